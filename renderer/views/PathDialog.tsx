// Browser mode's "open": type a path on the server's machine, or walk its folders. (The desktop
// app uses the OS dialog instead.)

import { useCallback, useEffect, useState } from 'react';
import type { AppError } from '../../shared/errors';
import type { DirListing } from '../../shared/ipc/contract';
import { ErrorLine } from '../components/ErrorLine';
import { FolderBrowser } from '../components/FolderBrowser';
import { Modal } from '../components/Modal';
import { useStore } from '../store';
import { api } from '../store/api-ref';

function parentOf(p: string | null, sep: string): string | null {
  if (p === null) return null;
  const trimmed = p.endsWith(sep) && p.length > 1 ? p.slice(0, -1) : p;
  const cut = trimmed.lastIndexOf(sep);
  return cut > 0 ? trimmed.slice(0, cut) : cut === 0 ? sep : null;
}

export function PathDialog() {
  const purpose = useStore((s) => s.pathDialog);
  const info = useStore((s) => s.info);
  const opening = useStore((s) => s.opening);
  const openError = useStore((s) => s.openError);
  const openPath = useStore((s) => s.openPath);
  const close = useStore((s) => s.setPathDialog);
  const active = useStore((s) => (s.activeId === null ? null : s.checkpoints[s.activeId]?.summary.root ?? null));
  const sep = info?.pathSeparator ?? '/';
  // Start one level up from the open checkpoint, so its siblings (other steps) are in view.
  const startAt = parentOf(active ?? info?.recent[0]?.path ?? null, sep) ?? info?.homeDir ?? sep;
  const [path, setPath] = useState(startAt);
  const [listing, setListing] = useState<DirListing | null>(null);
  const [listError, setListError] = useState<AppError | null>(null);
  const [loading, setLoading] = useState(false);

  /** Lists `p`; `fill` also puts it in the path field (a click in the list, not the first look). */
  const browse = useCallback(async (p: string, fill: boolean) => {
    setLoading(true);
    const r = await api().call('fs.listDir', { path: p });
    setLoading(false);
    if (r.ok) {
      setListing(r.value);
      setListError(null);
      if (fill) setPath(r.value.path);
    } else {
      setListError(r.error);
    }
  }, []);

  useEffect(() => {
    void browse(startAt, false);
  }, [browse, startAt]);

  if (purpose === null || info === null) return null;
  const submit = async (p: string): Promise<void> => {
    const typed = p.trim();
    if (typed === '') return;
    // Not a checkpoint: show what is inside it, since the one meant is often a sub-folder.
    if (!(await openPath(typed, purpose))) await browse(typed, false);
  };
  return (
    <Modal
      title={purpose === 'open' ? 'Open a checkpoint' : 'Compare with another checkpoint'}
      onClose={() => close(null)}
      wide
      footer={
        <>
          <span className="dim foot-note">Paths are on the machine running <code>shardscope ui</code>.</span>
          <button className="button subtle" onClick={() => close(null)}>Cancel</button>
          <button className="button primary" onClick={() => void submit(path)} disabled={opening !== null}>
            {opening !== null ? 'Opening…' : purpose === 'open' ? 'Open' : 'Compare'}
          </button>
        </>
      }
    >
      <form
        className="path-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(path);
        }}
      >
        <input
          className="path-input mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Tab' && !e.shiftKey) {
              e.preventDefault();
              void browse(path, true);
            }
          }}
          aria-label="Checkpoint path"
          spellCheck={false}
          autoFocus
        />
        <button type="button" className="button subtle" onClick={() => void browse(path, true)}>List folders</button>
      </form>
      {openError !== null ? <ErrorLine error={openError} /> : null}
      <FolderBrowser listing={listing} error={listError} loading={loading} separator={info.pathSeparator} onNavigate={(p) => void browse(p, true)} onPick={(p) => void submit(p)} />
    </Modal>
  );
}
