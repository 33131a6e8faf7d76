// The start screen: open a checkpoint (dialog, drop, typed path in browser mode), or pick one of
// the recent folders. A folder that isn't a checkpoint gets the reader's plain message here.

import { ErrorLine } from '../components/ErrorLine';
import { Icon } from '../components/Icon';
import { FORMAT_NAMES, timeAgo } from '../lib/format';
import { useStore } from '../store';

export function StartView() {
  const info = useStore((s) => s.info);
  const recent = useStore((s) => s.recent);
  const opening = useStore((s) => s.opening);
  const openError = useStore((s) => s.openError);
  const pathDialog = useStore((s) => s.pathDialog);
  const chooseAndOpen = useStore((s) => s.chooseAndOpen);
  const openPath = useStore((s) => s.openPath);
  const removeRecent = useStore((s) => s.removeRecent);
  const desktop = info?.mode === 'electron';
  return (
    <div className="start">
      <div className="start-card">
        <div className="start-brand">
          <Icon name="logo" size={34} className="brand-icon" />
          <div>
            <h1>Shardscope</h1>
            <p className="dim">See, convert and compare PyTorch Distributed Checkpoints and safetensors, without Python.</p>
          </div>
        </div>
        <div className="start-actions">
          <button className="button primary large" onClick={() => void chooseAndOpen('open')} disabled={opening !== null}>
            <Icon name="folder-open" /> Open checkpoint…
          </button>
          <span className="dim">{desktop ? 'or drop a folder or a .safetensors file anywhere on this window' : 'type or browse a path on the machine running shardscope ui'}</span>
        </div>
        {opening !== null ? (
          <div className="opening" role="status">
            <span className="spinner" /> Reading <span className="mono">{opening.path}</span>…
          </div>
        ) : null}
        {openError !== null && pathDialog === null ? <ErrorLine error={openError} className="start-error" /> : null}
        <section className="recent" aria-label="Recent checkpoints">
          <h2>Recent</h2>
          {recent.length === 0 ? (
            <p className="dim recent-empty">Checkpoints you open show up here.</p>
          ) : (
            <ul>
              {recent.map((r) => (
                <li key={r.path} className="recent-item">
                  <button className="recent-open" onClick={() => void openPath(r.path)} disabled={opening !== null} title={r.path}>
                    <Icon name="folder" size={14} />
                    <span className="recent-name">{r.path.split(/[\\/]/).filter(Boolean).pop() ?? r.path}</span>
                    <span className="recent-path mono">{r.path}</span>
                    <span className="format-badge small">{FORMAT_NAMES[r.format]}</span>
                    <span className="recent-when dim">{timeAgo(r.openedAt)}</span>
                  </button>
                  <button className="icon-button recent-remove" onClick={() => void removeRecent(r.path)} aria-label={`Remove ${r.path} from recent`} title="Remove from the list">
                    <Icon name="close" size={12} />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <footer className="start-foot dim">
          Reads DCP folders (<span className="mono">.metadata</span> + <span className="mono">__R_I.distcp</span>), DCP per-rank
          safetensors shards, and safetensors single or sharded with <span className="mono">model.safetensors.index.json</span>.
        </footer>
      </div>
    </div>
  );
}
