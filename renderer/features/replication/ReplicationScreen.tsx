import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';

/** Not built yet: says so plainly instead of showing invented data. */
export function ReplicationScreen() {
  return (
    <div className="screen">
      <ScreenHeader title="Replication" />
      <EmptyState icon="replication" title="Replication is not available yet">
        Incremental disk replication to AWS with resumable workers. Replication is not built yet: no jobs exist in this project.
      </EmptyState>
    </div>
  );
}
