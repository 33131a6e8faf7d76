// What a pane shows when there is nothing to show yet, said plainly.

import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function EmptyState({ icon, title, children }: { icon: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <Icon name={icon} size={28} className="empty-icon" />
      <div className="empty-title">{title}</div>
      {children ? <div className="empty-text">{children}</div> : null}
    </div>
  );
}
