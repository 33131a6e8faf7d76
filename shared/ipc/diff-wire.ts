// What the compare view sends and what comes back. As with convert, the request is the view's
// choices; the Node side maps them onto the diff service's DiffOptions.

import type { DiffReport } from '../model/diff';
import type { ConvertPreset } from './convert-wire';

export interface DiffRequest {
  /** Absolute tolerance; null compares bitwise (the default). */
  readonly atol: number | null;
  /** Relative tolerance; null compares bitwise. */
  readonly rtol: number | null;
  /** Compare values after casting both sides to float32 (a bf16 export against its fp32 source). */
  readonly dtypeInsensitive: boolean;
  readonly modelOnly: boolean;
  /** Map side A's keys the way convert does; needs `configPath`. */
  readonly preset: ConvertPreset | null;
  readonly configPath: string | null;
}

export type DiffOutcome = DiffReport;
