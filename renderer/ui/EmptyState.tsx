import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';

/** An honest empty state: says what the area will do and what to do now. */
export function EmptyState({ icon, title, children, actions }: { icon: IconName; title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <div className="empty-icon">
        <Icon name={icon} size={40} />
      </div>
      <h2>{title}</h2>
      <div className="empty-text">{children}</div>
      {actions ? <div className="empty-actions">{actions}</div> : null}
    </div>
  );
}
