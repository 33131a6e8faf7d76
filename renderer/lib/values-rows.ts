// How the first values are laid out in rows: as many columns as the pane fits at the values'
// own printed width, following the tensor's last dimension where that costs few columns (rows
// then line up with the tensor's rows; the row labels give the index either way).

/** Never more columns than this: a wider grid is hard to read across. */
export const MAX_ROW = 10;
/** One character of the grid's monospace font at 11.5px, and a cell's padding, in CSS pixels. */
const CHAR_PX = 7;
const CELL_PADDING_PX = 14;
/** The row-index column. */
const INDEX_COLUMN_PX = 60;

/** Columns of `longest` characters that fit in `widthPx`. */
export function columnsThatFit(widthPx: number, longest = 10): number {
  const col = longest * CHAR_PX + CELL_PADDING_PX;
  return Math.max(2, Math.min(MAX_ROW, Math.floor((widthPx - INDEX_COLUMN_PX) / col)));
}

/** The last dim when it fits; else a divisor of it that keeps ¾ of the columns; else what fits. */
export function valuesPerRow(last: number, fit: number = MAX_ROW): number {
  const max = Math.max(2, Math.min(MAX_ROW, fit));
  if (last >= 2 && last <= max) return last;
  for (let d = max; d >= Math.ceil(max * 0.75); d--) if (last % d === 0) return d;
  return max;
}
