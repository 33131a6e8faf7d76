// What a finished conversion wrote, and where: the files, the counts, what was left out, and a
// way to get to the folder (the OS file manager in the desktop app; the path in a browser).

import { useState } from 'react';
import { describeError } from '../../shared/errors';
import type { ConvertSummary } from '../../shared/model/convert';
import { formatBytes, formatDuration, formatInt } from '../lib/format';
import { useStore } from '../store';
import { api } from '../store/api-ref';

/** Skipped keys listed by name; the rest are counted. */
const MAX_SKIPPED_LISTED = 50;

export function ConvertSummaryView({ summary, canShowInFolder }: { summary: ConvertSummary; canShowInFolder: boolean }) {
  const notify = useStore((s) => s.notify);
  const openPath = useStore((s) => s.openPath);
  const close = useStore((s) => s.closeConvert);
  const [copied, setCopied] = useState(false);
  const show = async (): Promise<void> => {
    const r = await api().call('shell.showInFolder', { path: summary.dst });
    if (!r.ok) notify('error', describeError(r.error));
  };
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(summary.dst);
      setCopied(true);
    } catch {
      notify('info', summary.dst);
    }
  };
  return (
    <div className="convert-summary" data-testid="convert-summary">
      <div className="dest-line">
        <span className="mono dest-path" title={summary.dst}>{summary.dst}</span>
        {canShowInFolder ? (
          <button className="button subtle" onClick={() => void show()}>Show in folder</button>
        ) : (
          <button className="button subtle" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy path'}</button>
        )}
        <button
          className="button subtle"
          onClick={() => {
            close();
            void openPath(summary.dst);
          }}
        >
          Open result
        </button>
      </div>
      <div className="stats-grid">
        <div className="stat"><div className="stat-label">tensors</div><div className="stat-value mono">{formatInt(summary.tensors)}</div></div>
        <div className="stat"><div className="stat-label">tensor data</div><div className="stat-value mono">{formatBytes(summary.dataBytes)}</div></div>
        <div className="stat"><div className="stat-label">written</div><div className="stat-value mono">{formatBytes(summary.bytesWritten)}</div></div>
        <div className="stat"><div className="stat-label">renamed</div><div className="stat-value mono">{formatInt(summary.renamed)}</div></div>
        <div className="stat"><div className="stat-label">cast</div><div className="stat-value mono">{formatInt(summary.cast)}</div></div>
        <div className="stat"><div className="stat-label">verified</div><div className="stat-value mono">{summary.verified ? 'yes, sha256' : 'no'}</div></div>
        <div className="stat"><div className="stat-label">time</div><div className="stat-value mono">{formatDuration(summary.elapsedMs / 1000)}</div></div>
      </div>
      <table className="grid-table">
        <thead><tr><th>file</th><th className="num">tensors</th><th className="num">size</th></tr></thead>
        <tbody>
          {summary.files.map((f) => (
            <tr key={f.name}><td className="mono">{f.name}</td><td className="mono num">{f.tensors > 0 ? formatInt(f.tensors) : ''}</td><td className="mono num">{formatBytes(f.bytes)}</td></tr>
          ))}
        </tbody>
      </table>
      {summary.skipped.length > 0 ? (
        <details className="skipped">
          <summary>{formatInt(summary.skipped.length)} items not written (safetensors holds tensors only, or the options left them out)</summary>
          <ul className="mono">
            {summary.skipped.slice(0, MAX_SKIPPED_LISTED).map((s) => (
              <li key={s.key}>{s.key} <span className="dim">— {s.reason}{s.pythonType ? ` (${s.pythonType})` : ''}</span></li>
            ))}
          </ul>
          {summary.skipped.length > MAX_SKIPPED_LISTED ? <div className="table-note">and {formatInt(summary.skipped.length - MAX_SKIPPED_LISTED)} more</div> : null}
        </details>
      ) : null}
    </div>
  );
}
