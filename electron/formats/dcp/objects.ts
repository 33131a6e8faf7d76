// DCP bytes items (BytesStorageMetadata) → ObjectEntry: read the item, undo transforms, unpickle
// data.pkl under the bytes allow-list and show the value as Python would (`python_type`, repr()).
// A pickle that reaches for a global off the list (the `evil` fixture: posix.system) becomes an
// unsafe entry naming that global; nothing is called.

import { FormatError } from '../../../shared/errors';
import type { ChunkSource, Diagnostic, ObjectEntry, PathElement } from '../../../shared/model/checkpoint';
import type { CheckpointFolder } from '../../io/folder';
import { bytesRepr, pythonTypeName, reprWithCap } from '../pickle/repr';
import { inItem, openItemSource } from './chunk';
import { decodeBytesItem } from './item';
import { MAX_BYTES_ITEM_BYTES, MAX_OBJECT_REPR_CHARS } from './limits';

export interface ObjectRead {
  readonly entry: ObjectEntry;
  readonly diagnostics: readonly Diagnostic[];
}

export async function readObjectItem(
  folder: CheckpointFolder,
  source: Extract<ChunkSource, { kind: 'torch-item' }>,
  key: string,
  path: readonly PathElement[],
): Promise<ObjectRead> {
  const where = { file: source.file, key, offset: source.offset };
  if (source.length > MAX_BYTES_ITEM_BYTES) {
    throw new FormatError('LIMIT', `${source.file}: item for "${key}" is ${source.length} bytes, more than the ${MAX_BYTES_ITEM_BYTES}-byte limit for Python objects`, where);
  }
  const file = await folder.open(source.file);
  const diagnostics: Diagnostic[] = [];
  const base = { kind: 'object' as const, key, path, source };
  return inItem(where, async () => {
    const item = await openItemSource(file, source, key, MAX_BYTES_ITEM_BYTES);
    const decoded = await decodeBytesItem(await item.read(0, item.size), source.file);
    if (decoded.kind === 'raw') {
      diagnostics.push({ severity: 'info', message: `item for "${key}" is not a torch.save zip; shown as raw bytes`, ...where });
      const text = bytesRepr(decoded.bytes, MAX_OBJECT_REPR_CHARS);
      const truncated = text.length > MAX_OBJECT_REPR_CHARS;
      const repr = truncated ? `${text.slice(0, MAX_OBJECT_REPR_CHARS - 1)}…` : text;
      if (truncated) diagnostics.push(cutNote(key, where));
      return { entry: { ...base, pythonType: 'bytes', repr }, diagnostics };
    }
    if (!decoded.crcOk) diagnostics.push({ severity: 'warning', message: `data.pkl CRC-32 mismatch in the item for "${key}"`, ...where });
    const global = decoded.opaqueGlobals[0];
    if (global !== undefined) {
      diagnostics.push({
        severity: 'warning',
        message: `item for "${key}" pickles a call to ${decoded.opaqueGlobals.join(', ')}; shown as an unsafe object, nothing was run`,
        ...where,
      });
      return { entry: { ...base, pythonType: 'unsafe', global }, diagnostics };
    }
    const { text, truncated } = reprWithCap(decoded.value, { maxChars: MAX_OBJECT_REPR_CHARS });
    if (truncated) diagnostics.push(cutNote(key, where));
    return { entry: { ...base, pythonType: pythonTypeName(decoded.value), repr: text }, diagnostics };
  });
}

function cutNote(key: string, where: { file: string; key: string; offset: number }): Diagnostic {
  return { severity: 'info', message: `repr of "${key}" is cut at ${MAX_OBJECT_REPR_CHARS} characters`, ...where };
}
