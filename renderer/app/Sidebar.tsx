import { useWorkbenchShallow } from '../store';
import { Icon } from '../ui/icons';
import { AREAS, type Area } from './ui.slice';

export const AREA_LABELS: Record<Area, string> = {
  inventory: 'Inventory',
  assessment: 'Assessment',
  applications: 'Applications',
  waves: 'Waves',
  verify: 'Verify',
  replication: 'Replication',
  dashboard: 'Dashboard',
  export: 'Export',
  dependencies: 'Dependencies',
};

export function Sidebar() {
  const { area, areaSelected } = useWorkbenchShallow((s) => ({ area: s.area, areaSelected: s.areaSelected }));
  return (
    <nav className="sidebar" aria-label="Areas">
      <ul>
        {AREAS.map((a, i) => (
          <li key={a}>
            <button type="button" className={a === area ? 'nav-item active' : 'nav-item'} aria-current={a === area ? 'page' : undefined} onClick={() => areaSelected(a)} title={`${AREA_LABELS[a]} (Ctrl+${i + 1})`} aria-keyshortcuts={`Control+${i + 1}`}>
              <Icon name={a} size={18} />
              <span>{AREA_LABELS[a]}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
