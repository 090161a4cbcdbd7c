import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';

/** Not built yet: says so plainly instead of showing invented data. */
export function ExportScreen() {
  return (
    <div className="screen">
      <ScreenHeader title="Export" />
      <EmptyState icon="export" title="Export is not available yet">
        CloudFormation templates and a hand-off bundle for each application. Export is not built yet.
      </EmptyState>
    </div>
  );
}
