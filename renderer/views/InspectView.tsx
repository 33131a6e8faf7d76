// The main screen: the summary strip, the searchable key tree, and the selected key's details.

import { useDeferredValue, useMemo, useRef, useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { Icon } from '../components/Icon';
import { TensorTree } from '../components/TensorTree/TensorTree';
import { SummaryHeader } from '../components/SummaryHeader';
import { countMatches, flattenTree, parseQuery } from '../lib/flatten-tree';
import { formatInt } from '../lib/format';
import { useStore } from '../store';
import { activeCheckpoint } from '../store/selectors';
import { DetailsView } from './DetailsView';

const NO_EXPANDED: ReadonlySet<number> = new Set();

export function InspectView() {
  const loaded = useStore(activeCheckpoint);
  const id = useStore((s) => s.activeId);
  const expanded = useStore((s) => (s.activeId === null ? NO_EXPANDED : s.expanded[s.activeId] ?? NO_EXPANDED));
  const query = useStore((s) => s.query);
  const setQuery = useStore((s) => s.setQuery);
  const selectedKey = useStore((s) => s.selectedKey);
  const select = useStore((s) => s.select);
  const toggle = useStore((s) => s.toggle);
  const deferredQuery = useDeferredValue(query);
  const searchRef = useRef<HTMLInputElement>(null);

  const words = useMemo(() => parseQuery(deferredQuery), [deferredQuery]);
  const rows = useMemo(() => (loaded === null ? [] : flattenTree(loaded.tree, expanded, words)), [loaded, expanded, words]);
  const matchCount = useMemo(() => (loaded === null ? 0 : countMatches(loaded.tree, words)), [loaded, words]);
  const selectedNode = useMemo(() => {
    if (loaded === null || selectedKey === null) return null;
    const e = loaded.tree.entryOfKey.get(selectedKey);
    return e === undefined ? null : (loaded.tree.nodeOfEntry[e] ?? null);
  }, [loaded, selectedKey]);

  useEffect(() => {
    // "/" or Ctrl/Cmd-F jumps to the search box, as in most code tools.
    const onKey = (e: KeyboardEvent): void => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
      if ((e.key === '/' && !typing) || (e.key === 'f' && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (loaded === null || id === null) return null;
  const total = loaded.summary.entries.keys.length;
  return (
    <div className="inspect">
      <SummaryHeader summary={loaded.summary} />
      <div className="workspace">
        <div className="tree-pane">
          <div className="search">
            <Icon name="search" size={14} />
            <input
              ref={searchRef}
              type="search"
              placeholder="Search keys and dtypes  ( / )"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  document.querySelector<HTMLElement>('.tree')?.focus();
                }
                if (e.key === 'Escape') setQuery('');
              }}
              aria-label="Search keys"
              spellCheck={false}
            />
            <span className="search-count mono">{words.length > 0 ? `${formatInt(matchCount)} of ${formatInt(total)}` : `${formatInt(total)} keys`}</span>
          </div>
          <div className="tree-header">
            <span>name</span>
            <span>dtype</span>
            <span>shape</span>
            <span className="num">size</span>
          </div>
          {rows.length === 0 ? (
            <EmptyState icon="search" title="No key matches">
              Nothing in this checkpoint holds “{deferredQuery}”. Keys and dtypes are searched; every word must match.
            </EmptyState>
          ) : (
            <TensorTree
              tree={loaded.tree}
              table={loaded.summary.entries}
              rows={rows}
              expanded={expanded}
              searching={words.length > 0}
              highlight={words[0] ?? ''}
              selectedNode={selectedNode}
              onSelectEntry={(e) => select(loaded.summary.entries.keys[e] ?? null)}
              onToggle={(node, open) => toggle(id, node, open)}
            />
          )}
        </div>
        <div className="details-pane">
          {selectedKey === null ? (
            <EmptyState icon="tensor" title="Pick a key">
              Select a tensor to see how it is cut across ranks, its first values and its statistics. Use ↑ ↓ in the tree, → ← to open and close groups.
            </EmptyState>
          ) : (
            <DetailsView id={id} keyName={selectedKey} />
          )}
        </div>
      </div>
    </div>
  );
}
