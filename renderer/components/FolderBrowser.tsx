// Browser mode's folder picker: the sub-folders of a path on the machine running `shardscope
// ui`, each marked when its file names look like a checkpoint.

import type { AppError } from '../../shared/errors';
import type { DirListing } from '../../shared/ipc/contract';
import { FORMAT_NAMES } from '../lib/format';
import { ErrorLine } from './ErrorLine';
import { Icon } from './Icon';

export interface FolderBrowserProps {
  readonly listing: DirListing | null;
  readonly error: AppError | null;
  readonly loading: boolean;
  readonly separator: string;
  onNavigate(path: string): void;
  onPick(path: string): void;
}

export function FolderBrowser({ listing, error, loading, separator, onNavigate, onPick }: FolderBrowserProps) {
  const join = (dir: string, name: string): string => (dir.endsWith(separator) ? dir + name : dir + separator + name);
  return (
    <div className="folder-browser" aria-busy={loading}>
      {error !== null ? <ErrorLine error={error} /> : null}
      {listing !== null ? (
        <>
          <div className="folder-here">
            <button className="icon-button" disabled={listing.parent === null} onClick={() => listing.parent !== null && onNavigate(listing.parent)} aria-label="Up one folder" title="Up one folder">
              <Icon name="up" />
            </button>
            <span className="mono folder-path" title={listing.path}>{listing.path}</span>
            {listing.looksLike !== null ? <span className="format-badge small">{FORMAT_NAMES[listing.looksLike]}</span> : null}
          </div>
          <ul className="folder-list" role="listbox" aria-label="Sub-folders">
            {listing.dirs.length === 0 ? <li className="dim folder-empty">No sub-folders.</li> : null}
            {listing.dirs.map((d) => (
              <li
                key={d.name}
                role="option"
                aria-selected={false}
                className={`folder-item ${d.looksLike !== null ? 'is-checkpoint' : ''}`}
                onClick={() => onNavigate(join(listing.path, d.name))}
                onDoubleClick={() => d.looksLike !== null && onPick(join(listing.path, d.name))}
              >
                <Icon name={d.looksLike !== null ? 'tensor' : 'folder'} size={14} />
                <span className="mono">{d.name}</span>
                {d.looksLike !== null ? <span className="format-badge small">{FORMAT_NAMES[d.looksLike]}</span> : null}
              </li>
            ))}
          </ul>
          {listing.truncated ? <div className="table-note">Only the first folders are listed; type more of the path to narrow it.</div> : null}
        </>
      ) : null}
    </div>
  );
}
