import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';

/** Not built yet: says so plainly instead of showing invented data. */
export function ApplicationsScreen() {
  return (
    <div className="screen">
      <ScreenHeader title="Applications" />
      <EmptyState icon="applications" title="Applications is not available yet">
        Group servers into applications and launch groups, set launch order and per-server launch settings. The planning editor is not built yet; applications already in the project are kept as they are.
      </EmptyState>
    </div>
  );
}
