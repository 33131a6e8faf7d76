// What `convert` takes and gives back, as plain data: the CLI and the desktop app (through IPC)
// use the same shapes. The service is electron/services/convert/convert-checkpoint.ts.

/** Target float dtypes `--dtype` accepts (torch names). Other dtypes are never cast. */
export type CastTarget = 'float64' | 'float32' | 'float16' | 'bfloat16';

export interface ConvertOptions {
  /** Hugging Face size syntax (`5GB`, `500MB`, `1GiB`) or a byte count. Default `5GB`. */
  readonly maxShardSize?: string | number;
  /** Cast floating tensors to this dtype (torch `.to()` rounding). Default: keep dtypes. */
  readonly dtype?: CastTarget | null;
  /** Drop optimizer / lr_scheduler / train_state / dataloader items and non-tensors, strip a shared `model.` prefix. */
  readonly modelOnly?: boolean;
  /** Regular expressions (JavaScript syntax) on source keys: keep a tensor if any matches. */
  readonly include?: readonly string[];
  /** Regular expressions on source keys: drop a tensor if any matches (after include). */
  readonly exclude?: readonly string[];
  /** A key-mapping preset (e.g. `torchtitan-llama`) and the Hugging Face config.json it reads. */
  readonly preset?: { readonly name: string; readonly configPath: string } | null;
  /** Read the output back and compare every tensor's sha256 with what was meant to be written. */
  readonly verify?: boolean;
  /** Replace an existing destination (only once the new one is complete). */
  readonly force?: boolean;
  /** Worker threads. Default min(4, cores). */
  readonly threads?: number;
  /**
   * Flush the output to disk (fsync every file and the folder) before it is renamed into place,
   * as DCP's FileSystemWriter does (`sync_files`). Default false, as `cp`, `torch.save` and
   * safetensors' `save_file`: the rename is still atomic against a crash, kill or Ctrl-C of the
   * process, but not against a power loss or kernel crash soon after, which can leave the folder
   * with zero-filled or missing data. The CLI's `--sync` sets it; the desktop app always does.
   */
  readonly sync?: boolean;
}

export type ConvertPhase = 'plan' | 'write' | 'sync' | 'verify' | 'commit';

export interface ConvertProgress {
  readonly phase: ConvertPhase;
  /** Bytes of tensor data done in this phase. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  /** Since the conversion started. */
  readonly elapsedMs: number;
}

export type SkipReason =
  | 'non-tensor'     // a Python object (int, list, bytes, …): safetensors holds tensors only
  | 'training-state' // --model-only: optimizer, lr_scheduler, train_state, dataloader, …
  | 'not-included'   // --include given and no pattern matched
  | 'excluded'       // an --exclude pattern matched
  | 'preset';        // the preset maps the key to nothing (not a weight of that model)

export interface SkippedItem {
  readonly key: string;
  readonly reason: SkipReason;
  /** For non-tensors: the Python type name. */
  readonly pythonType?: string;
}

export interface ConvertedFile {
  readonly name: string;
  /** File size in bytes. */
  readonly bytes: number;
  readonly tensors: number;
}

export interface ConvertSummary {
  readonly src: string;
  readonly dst: string;
  /** Safetensors files, then the index and copied extras, in write order. */
  readonly files: readonly ConvertedFile[];
  readonly tensors: number;
  /** Sum of tensor data bytes (the index's total_size). */
  readonly dataBytes: number;
  /** Sum of every file written. */
  readonly bytesWritten: number;
  /** Tensors written under a new name (model-only prefix strip, preset). */
  readonly renamed: number;
  /** Tensors whose dtype changed. */
  readonly cast: number;
  readonly skipped: readonly SkippedItem[];
  readonly verified: boolean;
  readonly threads: number;
  readonly elapsedMs: number;
}
