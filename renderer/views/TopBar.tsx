// The bar across the top: the app, the open checkpoint, and the actions on it.

import { Icon } from '../components/Icon';
import { shortPath } from '../lib/format';
import { useStore } from '../store';
import { activeCheckpoint, compareCheckpoint } from '../store/selectors';

export function TopBar() {
  const loaded = useStore(activeCheckpoint);
  const other = useStore(compareCheckpoint);
  const screen = useStore((s) => s.screen);
  const setScreen = useStore((s) => s.setScreen);
  const chooseAndOpen = useStore((s) => s.chooseAndOpen);
  const openConvert = useStore((s) => s.openConvert);
  const convertJob = useStore((s) => (s.convertJobId === null ? undefined : s.jobs[s.convertJobId]));
  const mode = useStore((s) => s.info?.mode);
  const converting = convertJob !== undefined && convertJob.outcome === null;
  return (
    <header className="topbar">
      <button className="brand" onClick={() => setScreen('start')} title="Start screen">
        <Icon name="logo" size={18} className="brand-icon" />
        <span>Shardscope</span>
      </button>
      {loaded !== null ? (
        <nav className="tabs" aria-label="Views">
          <button className={`tab ${screen === 'inspect' ? 'active' : ''}`} onClick={() => setScreen('inspect')}>
            <span className="tab-name" title={loaded.summary.root}>{shortPath(loaded.summary.root)}</span>
          </button>
          {other !== null ? (
            <button className={`tab ${screen === 'compare' ? 'active' : ''}`} onClick={() => setScreen('compare')}>
              <Icon name="compare" size={14} />
              <span className="tab-name" title={other.summary.root}>vs {shortPath(other.summary.root)}</span>
            </button>
          ) : null}
        </nav>
      ) : (
        <span className="grow" />
      )}
      <span className="grow" />
      {mode === 'browser' ? <span className="mode-badge" title="Served by shardscope ui">browser</span> : null}
      <button className="button subtle" onClick={() => void chooseAndOpen('open')}>
        <Icon name="folder-open" size={14} /> Open
      </button>
      <button className="button subtle" onClick={() => void chooseAndOpen('compare')} disabled={loaded === null}>
        <Icon name="compare" size={14} /> Compare…
      </button>
      <button className="button primary" onClick={openConvert} disabled={loaded === null}>
        <Icon name="convert" size={14} /> {converting ? 'Converting…' : 'Convert…'}
      </button>
    </header>
  );
}
