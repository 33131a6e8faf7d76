// Each stored chunk of a tensor: its box (offsets + sizes), the rank that wrote it, and where
// its bytes are (file, byte offset, length, container).

import type { ChunkView } from '../../shared/ipc/contract';
import { formatBytes, formatInt, formatShape } from '../lib/format';
import { rankHue } from '../lib/shard-layout';

/** Past this many rows the table is cut; the picture still shows every chunk. */
export const MAX_CHUNK_ROWS = 512;

export function ChunkTable({ chunks, highlighted, onHover }: { chunks: readonly ChunkView[]; highlighted: number | null; onHover(i: number | null): void }) {
  const shown = chunks.slice(0, MAX_CHUNK_ROWS);
  return (
    <div className="table-wrap">
      <table className="grid-table chunk-table">
        <thead>
          <tr>
            <th>#</th>
            <th>rank</th>
            <th>offsets</th>
            <th>sizes</th>
            <th>file</th>
            <th className="num">offset</th>
            <th className="num">length</th>
            <th>stored as</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c, i) => (
            <tr key={i} className={highlighted === i ? 'hot' : ''} onMouseEnter={() => onHover(i)} onMouseLeave={() => onHover(null)}>
              <td className="mono dim">{i}</td>
              <td className="mono">
                <span className="rank-dot" style={{ background: `hsl(${rankHue(c.rank)} 62% 56%)` }} />
                {c.rank ?? '—'}
              </td>
              <td className="mono">{formatShape(c.offsets)}</td>
              <td className="mono">{formatShape(c.sizes)}</td>
              <td className="mono file-cell" title={c.file}>{c.file}</td>
              <td className="mono num">{formatInt(c.offset)}</td>
              <td className="mono num" title={`${formatInt(c.length)} bytes`}>{formatBytes(c.length)}</td>
              <td className="dim">{c.container === 'raw' ? 'raw bytes' : `torch item${c.transforms.length > 0 ? ` (${c.transforms.join(', ')})` : ''}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {chunks.length > shown.length ? <div className="table-note">{formatInt(chunks.length - shown.length)} more chunks not listed</div> : null}
    </div>
  );
}
