// The checkpoint's keys as a virtualized tree: only the rows in view exist in the DOM, so
// 100,000 keys scroll like 100. Keyboard: ↑/↓ move, →/← open/close (or go to child/parent),
// Home/End, PageUp/PageDown, Enter/Space toggle a group.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EntryTable } from '../../../shared/ipc/contract';
import type { EntryTree } from '../../lib/entry-tree';
import { TreeRow } from './TreeRow';

export const ROW_HEIGHT = 26;
/** Rows rendered beyond the viewport, so fast scrolling shows no blank band. */
const OVERSCAN = 16;

export interface TensorTreeProps {
  readonly tree: EntryTree;
  readonly table: EntryTable;
  /** Visible node ids in order (flatten-tree.ts). */
  readonly rows: readonly number[];
  readonly expanded: ReadonlySet<number>;
  readonly searching: boolean;
  readonly highlight: string;
  /** The selected key's node, if any. */
  readonly selectedNode: number | null;
  onSelectEntry(entry: number): void;
  onToggle(node: number, open?: boolean): void;
}

export function TensorTree(props: TensorTreeProps) {
  const { tree, rows, expanded, searching, selectedNode, onSelectEntry, onToggle } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState<number | null>(selectedNode);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });

  useEffect(() => {
    if (selectedNode !== null) setCursor(selectedNode);
  }, [selectedNode]);

  const moveTo = (index: number): void => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    const id = rows[i];
    if (id === undefined) return;
    setCursor(id);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    const entry = tree.nodes[id]?.entry ?? -1;
    if (entry >= 0) onSelectEntry(entry);
  };

  const activate = (id: number): void => {
    setCursor(id);
    const node = tree.nodes[id];
    if (node === undefined) return;
    if (node.entry >= 0) onSelectEntry(node.entry);
    if (node.children.length > 0 && !searching) onToggle(id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const at = cursor === null ? -1 : rows.indexOf(cursor);
    const node = cursor === null ? undefined : tree.nodes[cursor];
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const isOpen = node !== undefined && (searching || expanded.has(node.id));
    switch (e.key) {
      case 'ArrowDown': moveTo(at + 1); break;
      case 'ArrowUp': moveTo(at <= 0 ? 0 : at - 1); break;
      case 'PageDown': moveTo(at + page); break;
      case 'PageUp': moveTo(at - page); break;
      case 'Home': moveTo(0); break;
      case 'End': moveTo(rows.length - 1); break;
      case 'ArrowRight':
        if (node === undefined || node.children.length === 0) return;
        if (!isOpen) onToggle(node.id, true);
        else moveTo(at + 1);
        break;
      case 'ArrowLeft':
        if (node === undefined) return;
        if (node.children.length > 0 && isOpen && !searching) onToggle(node.id, false);
        else if (node.parent > 0) moveTo(rows.indexOf(node.parent));
        break;
      case 'Enter':
      case ' ':
        if (node !== undefined) activate(node.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div className="tree" role="tree" aria-label="Checkpoint keys" tabIndex={0} onKeyDown={onKeyDown} ref={scrollRef}
      aria-activedescendant={cursor !== null ? `tree-node-${cursor}` : undefined}>
      <div className="tree-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const id = rows[v.index] as number;
          return (
            <TreeRow
              key={id}
              node={tree.nodes[id]!}
              table={props.table}
              top={v.start}
              height={ROW_HEIGHT}
              open={searching || expanded.has(id)}
              selected={id === selectedNode}
              focused={id === cursor}
              highlight={props.highlight}
              onClick={() => activate(id)}
              onCaret={() => onToggle(id)}
            />
          );
        })}
      </div>
    </div>
  );
}
