// A tensor's first values in C order, in rows that follow its last dimension when it is short.

import type { TensorPreview } from '../../shared/ipc/contract';
import { formatInt, formatValue } from '../lib/format';
import { columnsThatFit, valuesPerRow } from '../lib/values-rows';
import { useWidth } from './use-width';

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = new Array(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1;
    idx[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return `[${idx.join(', ')}]`;
}

export function ValuesGrid({ preview }: { preview: TensorPreview }) {
  const { values, shape, elements } = preview;
  const [ref, width] = useWidth<HTMLDivElement>(640);
  const texts = values.map(formatValue);
  const longest = texts.reduce((m, t) => Math.max(m, t.length), 1);
  const perRow = valuesPerRow(shape[shape.length - 1] ?? 1, columnsThatFit(width, longest));
  const rows: number[] = [];
  for (let i = 0; i < values.length; i += perRow) rows.push(i);
  if (values.length === 0) return <div className="dim" ref={ref}>No elements.</div>;
  return (
    <div className="values" ref={ref}>
      <table className="values-table mono">
        <tbody>
          {rows.map((start) => (
            <tr key={start}>
              <th>{shape.length > 1 ? multiIndex(start, shape) : start}</th>
              {values.slice(start, start + perRow).map((v, j) => (
                <td key={j} className={typeof v === 'string' && /^-?(nan|inf)$/.test(v) ? 'special' : ''} title={String(v)}>
                  {texts[start + j]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {elements > values.length ? <div className="table-note">first {formatInt(values.length)} of {formatInt(elements)} values</div> : null}
    </div>
  );
}
