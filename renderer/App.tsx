// The window: top bar, the current screen, dialogs, and drop-to-open over everything.

import { useEffect, useState, type DragEvent } from 'react';
import { ErrorLine } from './components/ErrorLine';
import { useStore } from './store';
import { api } from './store/api-ref';
import { CompareView } from './views/CompareView';
import { ConvertDialog } from './views/ConvertDialog';
import { InspectView } from './views/InspectView';
import { PathDialog } from './views/PathDialog';
import { StartView } from './views/StartView';
import { StatusLine } from './views/StatusLine';
import { TopBar } from './views/TopBar';

export function App() {
  const boot = useStore((s) => s.boot);
  const bootError = useStore((s) => s.bootError);
  const info = useStore((s) => s.info);
  const screen = useStore((s) => s.screen);
  const hasActive = useStore((s) => s.activeId !== null);
  const convertOpen = useStore((s) => s.convertOpen);
  const activeId = useStore((s) => s.activeId);
  const pathDialog = useStore((s) => s.pathDialog);
  const openPath = useStore((s) => s.openPath);
  const notify = useStore((s) => s.notify);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    void boot();
  }, [boot]);

  const onDrop = async (e: DragEvent<HTMLDivElement>): Promise<void> => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file === undefined) return;
    const path = await api().grantDroppedFile(file);
    if (path === null) {
      notify('info', info?.mode === 'browser' ? 'A browser does not tell the page where a dropped folder is; use Open and type its path.' : 'That item has no path on disk.');
      return;
    }
    await openPath(path);
  };

  if (bootError !== null) {
    return (
      <div className="boot-error">
        <ErrorLine error={bootError} />
      </div>
    );
  }
  if (info === null) return <div className="booting"><span className="spinner" /></div>;

  const shown = hasActive ? screen : 'start';
  return (
    <div
      className={`app ${dragging ? 'dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      <TopBar />
      <main className="main">
        {shown === 'start' ? <StartView /> : shown === 'compare' ? <CompareView /> : <InspectView />}
      </main>
      <StatusLine />
      {convertOpen ? <ConvertDialog key={activeId ?? ''} /> : null}
      {pathDialog !== null ? <PathDialog /> : null}
      {dragging ? <div className="drop-overlay">Drop to open</div> : null}
    </div>
  );
}
