import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';

/** Not built yet: says so plainly instead of showing invented data. */
export function DashboardScreen() {
  return (
    <div className="screen">
      <ScreenHeader title="Dashboard" />
      <EmptyState icon="dashboard" title="Dashboard is not available yet">
        Migration progress charts (servers per wave, replication throughput, cutover status) will appear here once replication and planning data exist.
      </EmptyState>
    </div>
  );
}
