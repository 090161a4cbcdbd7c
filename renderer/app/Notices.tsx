import { useWorkbenchShallow } from '../store';
import { Icon } from '../ui/icons';

export function Notices() {
  const { notices, noticeDismissed } = useWorkbenchShallow((s) => ({ notices: s.notices, noticeDismissed: s.noticeDismissed }));
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <Icon name={n.level === 'error' || n.level === 'warning' ? 'warning' : 'info'} size={16} />
          <span className="notice-text">{n.message}</span>
          <button type="button" className="icon-button" onClick={() => noticeDismissed(n.id)} aria-label="Dismiss">
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
