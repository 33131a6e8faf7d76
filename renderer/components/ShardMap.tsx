// The chunk picture: how one tensor is cut across ranks. Dim 0 runs down and dim 1 across
// (a 1-D tensor is one band cut into strips); each box is a stored chunk, colored by rank,
// with a replica count when several ranks hold the same box.

import type { ChunkView } from '../../shared/ipc/contract';
import { layoutChunks, pictureSize, rankHue } from '../lib/shard-layout';

/** Room for a label inside a box, in pixels. */
const LABEL_MIN_W = 26;
const LABEL_MIN_H = 14;

export interface ShardMapProps {
  readonly shape: readonly number[];
  readonly chunks: readonly ChunkView[];
  readonly width: number;
  readonly highlighted: number | null;
  onHover(chunk: number | null): void;
}

export function ShardMap({ shape, chunks, width, highlighted, onHover }: ShardMapProps) {
  const layout = layoutChunks(shape, chunks);
  if (layout.kind === 'empty') return <div className="shardmap-note">Empty tensor: no elements to draw.</div>;
  const { width: w, height: h } = pictureSize(layout, Math.max(120, width - 56));
  const pad = { left: layout.kind === 'matrix' ? 48 : 4, top: layout.kind === 'matrix' ? 18 : 4 };
  return (
    <figure className="shardmap">
      <svg width={w + pad.left + 4} height={h + pad.top + 4} role="img" aria-label={`${layout.rects.length} chunk boxes over shape [${shape.join(', ')}]`}>
        {layout.kind === 'matrix' ? (
          <>
            <text x={pad.left} y={12} className="axis-label">dim 1 → {shape[1]}</text>
            <text x={pad.left - 6} y={pad.top + 10} className="axis-label" textAnchor="end">dim 0</text>
            <text x={pad.left - 6} y={pad.top + 22} className="axis-label" textAnchor="end">↓ {shape[0]}</text>
          </>
        ) : null}
        <rect x={pad.left} y={pad.top} width={w} height={h} className="shard-frame" />
        {layout.rects.map((r, i) => {
          const x = pad.left + r.x * w;
          const y = pad.top + r.y * h;
          const rw = Math.max(1, r.w * w);
          const rh = Math.max(1, r.h * h);
          const hue = rankHue(r.rank);
          const hot = highlighted !== null && r.chunks.includes(highlighted);
          const label = r.rank === null ? `#${r.chunks[0]}` : `r${r.rank}`;
          return (
            <g key={i} onMouseEnter={() => onHover(r.chunks[0] ?? null)} onMouseLeave={() => onHover(null)} className={`shard ${hot ? 'hot' : ''}`}>
              <rect x={x} y={y} width={rw} height={rh} fill={`hsl(${hue} 62% 56%)`} className="shard-box">
                <title>{`chunk ${r.chunks.join(', ')}: rank ${r.rank ?? '?'}${r.chunks.length > 1 ? ` (+${r.chunks.length - 1} replicas)` : ''}`}</title>
              </rect>
              {rw >= LABEL_MIN_W && rh >= LABEL_MIN_H ? (
                <text x={x + rw / 2} y={y + rh / 2 + 4} textAnchor="middle" className="shard-label">
                  {label}
                  {r.chunks.length > 1 ? ` ×${r.chunks.length}` : ''}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="shardmap-caption">
        {layout.rects.length === 1 && chunks.length === 1
          ? 'One chunk holds the whole tensor.'
          : `${chunks.length} chunk${chunks.length === 1 ? '' : 's'} in ${layout.rects.length} box${layout.rects.length === 1 ? '' : 'es'}`}
        {layout.rects.some((r) => r.chunks.length > 1) ? ' · same box on several ranks = replicas' : ''}
        {layout.hiddenCuts.length > 0 ? ` · also cut along dim ${layout.hiddenCuts.join(', ')} (see the table)` : ''}
        {layout.covered < 1 ? ` · chunks cover only ${(layout.covered * 100).toFixed(1)}% of the tensor` : ''}
      </figcaption>
    </figure>
  );
}
