// Convert with a click: the options that matter, then progress (bytes, throughput, ETA) with a
// cancel that leaves nothing behind, then a summary with "show in folder".

import { useState } from 'react';
import { describeError } from '../../shared/errors';
import { CAST_TARGETS, type ConvertPreset } from '../../shared/ipc/convert-wire';
import type { ConvertRequest } from '../../shared/ipc/contract';
import type { CastTarget } from '../../shared/model/convert';
import { ErrorLine } from '../components/ErrorLine';
import { Modal } from '../components/Modal';
import { ProgressBar } from '../components/ProgressBar';
import { parseSize } from '../lib/format';
import { useStore } from '../store';
import { api } from '../store/api-ref';
import { activeCheckpoint } from '../store/selectors';
import { ConvertSummaryView } from './ConvertSummaryView';

function defaultDestination(root: string, sep: string): string {
  const base = root.replace(/[\\/]+$/, '').replace(/\.safetensors(\.index\.json)?$/, '');
  return `${base}-safetensors`.replace(/[\\/]/g, sep);
}

export function ConvertDialog() {
  const open = useStore((s) => s.convertOpen);
  const loaded = useStore(activeCheckpoint);
  const info = useStore((s) => s.info);
  const jobId = useStore((s) => s.convertJobId);
  const job = useStore((s) => (s.convertJobId === null ? undefined : s.jobs[s.convertJobId]));
  const convertError = useStore((s) => s.convertError);
  const lastRequest = useStore((s) => s.convertRequest);
  const close = useStore((s) => s.closeConvert);
  const start = useStore((s) => s.startConvert);
  const cancel = useStore((s) => s.cancelJob);
  const notify = useStore((s) => s.notify);
  const root = loaded?.summary.root ?? '';
  const [destination, setDestination] = useState(() => lastRequest?.destination ?? defaultDestination(root, info?.pathSeparator ?? '/'));
  const [modelOnly, setModelOnly] = useState(lastRequest?.modelOnly ?? false);
  const [dtype, setDtype] = useState<CastTarget | ''>(lastRequest?.dtype ?? '');
  const [shardSize, setShardSize] = useState('5GB');
  const [preset, setPreset] = useState<ConvertPreset | ''>(lastRequest?.preset ?? '');
  const [configPath, setConfigPath] = useState(lastRequest?.configPath ?? '');
  const [verify, setVerify] = useState(lastRequest?.verify ?? true);
  const [replace, setReplace] = useState(false);

  if (!open || loaded === null || info === null) return null;
  const desktop = info.canPickFolders;
  const maxShardBytes = parseSize(shardSize);
  const formProblem =
    destination.trim() === '' ? 'Choose a destination folder.'
    : maxShardBytes === null ? 'Shard size: write it as Hugging Face does, e.g. 5GB, 500MB or 2GiB.'
    : preset !== '' && configPath.trim() === '' ? 'The torchtitan preset needs the Hugging Face config.json of the model.'
    : null;

  const pick = async (purpose: 'destination' | 'config'): Promise<void> => {
    const r = await api().call('dialog.pick', { purpose });
    if (!r.ok) notify('error', describeError(r.error));
    else if (r.value.path !== null) (purpose === 'destination' ? setDestination : setConfigPath)(r.value.path);
  };

  const submit = (): void => {
    if (formProblem !== null) return;
    const request: ConvertRequest = {
      destination: destination.trim(),
      modelOnly,
      dtype: dtype === '' ? null : dtype,
      maxShardBytes,
      preset: preset === '' ? null : preset,
      configPath: preset === '' || configPath.trim() === '' ? null : configPath.trim(),
      verify,
      replaceExisting: replace,
    };
    void start(request);
  };

  const running = job !== undefined && job.outcome === null;
  const outcome = job?.outcome ?? null;
  const done = outcome !== null && outcome.ok && outcome.value.kind === 'convert' ? outcome.value.summary : null;
  const failure = outcome !== null && !outcome.ok ? outcome.error : convertError;
  const cancelled = failure?.code === 'CANCELLED';

  if (done !== null) {
    return (
      <Modal title="Conversion finished" onClose={close} wide footer={<button className="button primary" onClick={close}>Done</button>}>
        <ConvertSummaryView summary={done} canShowInFolder={info.canShowInFolder} />
      </Modal>
    );
  }

  if (running) {
    return (
      <Modal
        title={`Converting ${loaded.summary.name}`}
        onClose={close}
        footer={
          <button className="button danger" onClick={() => jobId !== null && void cancel(jobId)}>
            Cancel conversion
          </button>
        }
      >
        <p className="dim">
          Writing to <span className="mono">{lastRequest?.destination}</span>. Cancel removes everything written so far.
        </p>
        <ProgressBar progress={job.progress} label="Conversion progress" />
      </Modal>
    );
  }

  return (
    <Modal
      title={`Convert ${loaded.summary.name} to safetensors`}
      onClose={close}
      wide
      footer={
        <>
          <span className="foot-note dim">{formProblem ?? 'Written into a temporary folder and renamed only when complete.'}</span>
          <button className="button subtle" onClick={close}>Close</button>
          <button className="button primary" onClick={submit} disabled={formProblem !== null}>Convert</button>
        </>
      }
    >
      {cancelled ? (
        <div className="info-line" role="status">Conversion cancelled: nothing was left in {lastRequest?.destination}.</div>
      ) : failure !== null ? (
        <ErrorLine error={failure} />
      ) : null}
      <div className="form-grid">
        <label htmlFor="cv-dest">Destination</label>
        <div className="field-row">
          <input id="cv-dest" className="mono" value={destination} onChange={(e) => setDestination(e.target.value)} readOnly={desktop} spellCheck={false} />
          {desktop ? <button className="button subtle" onClick={() => void pick('destination')}>Choose…</button> : null}
        </div>
        <span />
        <span className="hint">A new folder: model.safetensors, or model-0000k-of-0000n.safetensors with model.safetensors.index.json.</span>

        <label htmlFor="cv-model">Weights only</label>
        <label className="check">
          <input id="cv-model" type="checkbox" checked={modelOnly} onChange={(e) => setModelOnly(e.target.checked)} />
          Drop optimizer, lr_scheduler, train_state and non-tensor items; strip a shared <span className="mono">model.</span> prefix
        </label>

        <label htmlFor="cv-dtype">dtype</label>
        <select id="cv-dtype" value={dtype} onChange={(e) => setDtype(e.target.value as CastTarget | '')}>
          <option value="">keep each tensor's dtype</option>
          {CAST_TARGETS.map((d) => (
            <option key={d} value={d}>cast floating tensors to {d}</option>
          ))}
        </select>

        <label htmlFor="cv-shard">Max shard size</label>
        <input id="cv-shard" className="mono narrow" value={shardSize} onChange={(e) => setShardSize(e.target.value)} spellCheck={false} />

        <label htmlFor="cv-preset">Key names</label>
        <select id="cv-preset" value={preset} onChange={(e) => setPreset(e.target.value as ConvertPreset | '')}>
          <option value="">as in the checkpoint</option>
          <option value="torchtitan-llama">torchtitan Llama → Hugging Face (with RoPE permutation)</option>
        </select>
        {preset !== '' ? (
          <>
            <label htmlFor="cv-config">config.json</label>
            <div className="field-row">
              <input id="cv-config" className="mono" value={configPath} onChange={(e) => setConfigPath(e.target.value)} readOnly={desktop} placeholder="the model's Hugging Face config.json" spellCheck={false} />
              {desktop ? <button className="button subtle" onClick={() => void pick('config')}>Choose…</button> : null}
            </div>
          </>
        ) : null}

        <label htmlFor="cv-verify">Verify</label>
        <label className="check">
          <input id="cv-verify" type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} />
          Read the output back and compare every tensor's sha256 with the source
        </label>

        <label htmlFor="cv-replace">Existing folder</label>
        <label className="check">
          <input id="cv-replace" type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
          Replace it (only once the new one is complete)
        </label>
      </div>
    </Modal>
  );
}
