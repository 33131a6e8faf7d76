// One row of the key tree: name (indented), dtype or Python type, shape, size. Groups show how
// many keys they hold and their total size.

import type { EntryTable } from '../../../shared/ipc/contract';
import type { TreeNode } from '../../lib/entry-tree';
import { formatBytes, formatShape } from '../../lib/format';
import { Icon } from '../Icon';

const INDENT_PX = 14;

function Highlighted({ text, word }: { text: string; word: string }) {
  const at = word === '' ? -1 : text.toLowerCase().indexOf(word);
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + word.length)}</mark>
      {text.slice(at + word.length)}
    </>
  );
}

export interface TreeRowProps {
  readonly node: TreeNode;
  readonly table: EntryTable;
  readonly top: number;
  readonly height: number;
  readonly open: boolean;
  readonly selected: boolean;
  readonly focused: boolean;
  readonly highlight: string;
  onClick(): void;
  onCaret(): void;
}

export function TreeRow({ node, table, top, height, open, selected, focused, highlight, onClick, onCaret }: TreeRowProps) {
  const isGroup = node.children.length > 0;
  const e = node.entry;
  const kind = e >= 0 ? table.kinds[e] : undefined;
  const count = node.tensors + node.objects;
  let icon: 'folder' | 'folder-open' | 'tensor' | 'object' | 'warning' = 'object';
  if (isGroup) icon = open ? 'folder-open' : 'folder';
  else if (kind === 't') icon = 'tensor';
  else if (kind === 'u') icon = 'warning';
  return (
    <div
      id={`tree-node-${node.id}`}
      role="treeitem"
      aria-level={node.depth + 1}
      aria-expanded={isGroup ? open : undefined}
      aria-selected={selected}
      className={`tree-row ${selected ? 'selected' : ''} ${focused ? 'focused' : ''} ${kind === 'u' ? 'unsafe' : ''} ${isGroup ? 'group' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={onClick}
      data-key={e >= 0 ? table.keys[e] : undefined}
    >
      <span className="tree-name" style={{ paddingLeft: 6 + node.depth * INDENT_PX }}>
        {isGroup ? (
          <span
            className={`caret ${open ? 'open' : ''}`}
            onClick={(ev) => {
              ev.stopPropagation();
              onCaret();
            }}
          >
            <Icon name="chevron" size={12} />
          </span>
        ) : (
          <span className="caret-spacer" />
        )}
        <Icon name={icon} size={14} className={`kind-icon kind-${isGroup ? 'group' : kind ?? 'o'}`} />
        <span className={`tree-label ${node.isListIndex ? 'list-index' : ''}`} title={e >= 0 ? table.keys[e] : node.label}>
          <Highlighted text={node.label} word={highlight} />
        </span>
        {isGroup ? <span className="tree-count">{count.toLocaleString('en-US')}</span> : null}
      </span>
      <span className="tree-dtype mono">{e >= 0 ? table.types[e] : ''}</span>
      <span className="tree-shape mono" title={e >= 0 && kind === 't' ? formatShape(table.shapes[e] ?? []) : undefined}>
        {e >= 0 && kind === 't' ? formatShape(table.shapes[e] ?? []) : ''}
      </span>
      <span className="tree-size mono">{isGroup || kind === 't' ? formatBytes(isGroup && e < 0 ? node.bytes : e >= 0 ? (table.nbytes[e] ?? 0) : node.bytes) : ''}</span>
    </div>
  );
}
