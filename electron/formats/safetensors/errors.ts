// The closed set of reasons a safetensors file is refused. Each reason names the reference
// crate's `SafeTensorError` variant it corresponds to (safetensors/src/tensor.rs) and the
// ErrorCode users and IPC see. Reasons marked "stricter" are checks the crate does not make
// but the format description asks for (duplicate names, exact integers).

import { FormatError, type ErrorCode } from '../../../shared/errors';

export const SAFETENSORS_REASONS = {
  /** File shorter than the 8-byte length prefix. Crate: HeaderTooSmall. */
  HEADER_TOO_SMALL: { code: 'TRUNCATED', crate: 'HeaderTooSmall' },
  /** Length prefix above MAX_HEADER_BYTES. Crate: HeaderTooLarge. */
  HEADER_TOO_LARGE: { code: 'LIMIT', crate: 'HeaderTooLarge' },
  /** 8 + header length runs past the end of the file. Crate: InvalidHeaderLength. */
  INVALID_HEADER_LENGTH: { code: 'TRUNCATED', crate: 'InvalidHeaderLength' },
  /** Header bytes are not UTF-8. Crate: InvalidHeader. */
  INVALID_HEADER_UTF8: { code: 'CORRUPT', crate: 'InvalidHeader' },
  /** First non-whitespace header character is not `{`. Crate: InvalidHeaderStart (≤ 0.7) / InvalidHeaderDeserialization. */
  INVALID_HEADER_START: { code: 'CORRUPT', crate: 'InvalidHeaderStart' },
  /** Not JSON. Crate: InvalidHeaderDeserialization. */
  INVALID_HEADER_JSON: { code: 'CORRUPT', crate: 'InvalidHeaderDeserialization' },
  /** JSON, but not the header schema (missing field, wrong type, float where an integer goes). Crate: InvalidHeaderDeserialization. */
  INVALID_HEADER_SCHEMA: { code: 'CORRUPT', crate: 'InvalidHeaderDeserialization' },
  /** `__metadata__` is not a flat string → string map. Crate: InvalidHeaderDeserialization. */
  INVALID_METADATA: { code: 'CORRUPT', crate: 'InvalidHeaderDeserialization' },
  /** A dtype code no safetensors version defines. Crate: InvalidHeaderDeserialization. */
  UNKNOWN_DTYPE: { code: 'CORRUPT', crate: 'InvalidHeaderDeserialization' },
  /** A dtype the crate defines but Shardscope does not model (F4, F6_*, F8_E8M0, *FNUZ). Crate: accepted. */
  UNSUPPORTED_DTYPE: { code: 'UNSUPPORTED', crate: '(accepted)' },
  /** The same tensor name (or any key) twice. Stricter: serde keeps the last. */
  DUPLICATE_NAME: { code: 'CORRUPT', crate: '(stricter: serde keeps the last)' },
  /** A shape or offset above 2^53 − 1, which a JS number cannot hold exactly. Stricter (crate: usize). */
  NUMBER_TOO_LARGE: { code: 'LIMIT', crate: '(stricter: usize)' },
  /** More than MAX_DIMS dims, MAX_TENSORS_PER_FILE tensors or MAX_JSON_DEPTH nesting. Stricter. */
  TOO_MANY: { code: 'LIMIT', crate: '(stricter)' },
  /** Sorted by offsets, a tensor does not start where the previous ends (gap, overlap, first ≠ 0, end < begin). Crate: InvalidOffset. */
  INVALID_OFFSET: { code: 'CORRUPT', crate: 'InvalidOffset' },
  /** numel × itemsize does not fit (2^53 here). Crate: ValidationOverflow. */
  VALIDATION_OVERFLOW: { code: 'LIMIT', crate: 'ValidationOverflow' },
  /** end − begin ≠ numel × itemsize. Crate: TensorInvalidInfo. */
  TENSOR_INVALID_INFO: { code: 'INCONSISTENT', crate: 'TensorInvalidInfo' },
  /** The last tensor ends past the end of the file. Crate: MetadataIncompleteBuffer. */
  DATA_PAST_END: { code: 'TRUNCATED', crate: 'MetadataIncompleteBuffer' },
  /** Bytes follow the last tensor. Crate: MetadataIncompleteBuffer. */
  TRAILING_BYTES: { code: 'CORRUPT', crate: 'MetadataIncompleteBuffer' },
} as const satisfies Record<string, { code: ErrorCode; crate: string }>;

export type SafetensorsReason = keyof typeof SAFETENSORS_REASONS;

/**
 * A FormatError with the reason it was raised. The message starts with the file name and names
 * the tensor and the numbers involved; `reason` is for tests and logs (it does not cross IPC,
 * the `code` does).
 */
export class SafetensorsError extends FormatError {
  readonly reason: SafetensorsReason;
  constructor(reason: SafetensorsReason, file: string, detail: string, where: { key?: string; offset?: number } = {}) {
    super(SAFETENSORS_REASONS[reason].code, `${file}: ${detail}`, { file, ...where });
    this.name = 'SafetensorsError';
    this.reason = reason;
  }
}

/** `"name"` quoted as JSON does, so control characters in names stay visible and on one line. */
export function quoteName(name: string): string {
  return JSON.stringify(name);
}
