import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';

/** Not built yet: says so plainly instead of showing invented data. */
export function AssessmentScreen() {
  return (
    <div className="screen">
      <ScreenHeader title="Assessment" />
      <EmptyState icon="assessment" title="Assessment is not available yet">
        Operating-system support and blockers, right-sizing to EC2 instance types and cost will appear here, computed from the inventory on this laptop. Nothing is assessed yet in this version.
      </EmptyState>
    </div>
  );
}
