// The one-line notice at the bottom of the window (errors from actions that have no pane).

import { Icon } from '../components/Icon';
import { useStore } from '../store';

export function StatusLine() {
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissNotice);
  if (notice === null) return null;
  return (
    <div className={`status-line ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <Icon name={notice.tone === 'error' ? 'warning' : 'check'} size={14} />
      <span className="status-text">{notice.text}</span>
      <button className="icon-button" onClick={dismiss} aria-label="Dismiss">
        <Icon name="close" size={12} />
      </button>
    </div>
  );
}
