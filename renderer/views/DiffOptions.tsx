// What "equal" means for a comparison (bitwise by default, or tolerances; dtype-insensitive;
// weights only), and the button that runs it again with these settings.

import { useState } from 'react';
import { useStore } from '../store';

function parseTol(text: string): number | null | 'bad' {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : 'bad';
}

export function DiffOptions() {
  const req = useStore((s) => s.diffRequest);
  const set = useStore((s) => s.setDiffRequest);
  const run = useStore((s) => s.startDiff);
  const chooseAndOpen = useStore((s) => s.chooseAndOpen);
  const running = useStore((s) => s.diffJobId !== null && s.jobs[s.diffJobId]?.outcome === null);
  const [atol, setAtol] = useState(req.atol === null ? '' : String(req.atol));
  const [rtol, setRtol] = useState(req.rtol === null ? '' : String(req.rtol));
  const a = parseTol(atol);
  const r = parseTol(rtol);
  const bad = a === 'bad' || r === 'bad';
  return (
    <form
      className="diff-options"
      onSubmit={(e) => {
        e.preventDefault();
        if (bad) return;
        set({ atol: a, rtol: r });
        void run();
      }}
    >
      <label>
        atol <input className="mono tiny" value={atol} onChange={(e) => setAtol(e.target.value)} placeholder="bitwise" aria-invalid={a === 'bad'} />
      </label>
      <label>
        rtol <input className="mono tiny" value={rtol} onChange={(e) => setRtol(e.target.value)} placeholder="bitwise" aria-invalid={r === 'bad'} />
      </label>
      <label className="check">
        <input type="checkbox" checked={req.dtypeInsensitive} onChange={(e) => set({ dtypeInsensitive: e.target.checked })} /> compare as float32
      </label>
      <label className="check">
        <input type="checkbox" checked={req.modelOnly} onChange={(e) => set({ modelOnly: e.target.checked })} /> weights only
      </label>
      <button className="button subtle" type="submit" disabled={bad || running}>Compare again</button>
      <button className="button subtle" type="button" onClick={() => void chooseAndOpen('compare')}>Change B…</button>
    </form>
  );
}
