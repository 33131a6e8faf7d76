// The layout checks of the reference crate's `Metadata::validate` and `read_metadata`
// (huggingface/safetensors, safetensors/src/tensor.rs), in the crate's order:
//   sort entries by (begin, end); each must start where the previous ended (the first at 0) and
//   not end before it begins → InvalidOffset; numel × itemsize must not overflow →
//   ValidationOverflow; end − begin must equal it → TensorInvalidInfo; finally the last end must
//   be exactly the data buffer's size → MetadataIncompleteBuffer.
// Overflow is checked against 2^53 (exact JS integers), not the crate's usize.

import { DTYPES } from '../../../shared/model/dtype';
import { byteSize, formatShape } from '../../../shared/model/shape';
import { SafetensorsError, quoteName } from './errors';
import type { SafetensorsTensorInfo } from './header';

/** Throws SafetensorsError unless the tensors tile [0, dataBytes) exactly. */
export function validateSafetensorsLayout(
  file: string,
  tensors: readonly SafetensorsTensorInfo[],
  dataStart: number,
  fileSize: number,
): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let start = 0;
  let previous: SafetensorsTensorInfo | undefined;
  for (const t of sorted) {
    const where = { key: t.name, offset: dataStart + t.begin };
    if (t.end < t.begin) {
      throw new SafetensorsError('INVALID_OFFSET', file, `tensor ${quoteName(t.name)} has data_offsets [${t.begin}, ${t.end}]: it ends before it begins`, where);
    }
    if (t.begin !== start) {
      throw new SafetensorsError('INVALID_OFFSET', file, offsetMismatch(t, previous, start), where);
    }
    start = t.end;
    previous = t;

    const info = DTYPES[t.dtype];
    const need = byteSize(t.shape, info.itemsize);
    if (need === null) {
      throw new SafetensorsError(
        'VALIDATION_OVERFLOW',
        file,
        `tensor ${quoteName(t.name)} has shape ${formatShape(t.shape)} of ${info.safetensors}: its size in bytes overflows 2^53`,
        where,
      );
    }
    if (t.end - t.begin !== need) {
      throw new SafetensorsError(
        'TENSOR_INVALID_INFO',
        file,
        `tensor ${quoteName(t.name)} (${info.safetensors}, shape ${formatShape(t.shape)}) needs ${need} bytes but its data_offsets [${t.begin}, ${t.end}] hold ${t.end - t.begin}`,
        where,
      );
    }
  }

  const dataBytes = fileSize - dataStart;
  if (start > dataBytes) {
    const last = previous as SafetensorsTensorInfo; // start > 0 ⇒ at least one tensor
    throw new SafetensorsError(
      'DATA_PAST_END',
      file,
      `tensor ${quoteName(last.name)} ends at byte ${start} but the data buffer has ${dataBytes} bytes`,
      { key: last.name, offset: fileSize },
    );
  }
  if (start < dataBytes) {
    const what = previous === undefined ? 'the header declares no tensor data' : `the last tensor ${quoteName(previous.name)} ends at byte ${start} of the data buffer`;
    throw new SafetensorsError(
      'TRAILING_BYTES',
      file,
      `${what} but the data buffer has ${dataBytes} bytes (${dataBytes - start} bytes belong to no tensor)`,
      { offset: dataStart + start, ...(previous ? { key: previous.name } : {}) },
    );
  }
}

function offsetMismatch(t: SafetensorsTensorInfo, previous: SafetensorsTensorInfo | undefined, start: number): string {
  if (previous === undefined) {
    return `the first tensor in the data buffer, ${quoteName(t.name)}, starts at byte ${t.begin}, not 0 (${t.begin} bytes belong to no tensor)`;
  }
  if (t.begin > start) {
    return `tensor ${quoteName(t.name)} starts at byte ${t.begin} of the data buffer but the previous tensor ${quoteName(previous.name)} ends at byte ${start}: a gap of ${t.begin - start} bytes`;
  }
  return `tensor ${quoteName(t.name)} starts at byte ${t.begin} of the data buffer but the previous tensor ${quoteName(previous.name)} ends at byte ${start}: they overlap by ${start - t.begin} bytes`;
}
