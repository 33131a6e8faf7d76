// Several *.safetensors files with no index.json (an index that went missing, or files a user
// collected by hand): read each, and take the union of their tensors. A name in two files is an
// error, as it would be in an index.

import type { CheckpointFolder } from '../../io/folder';
import type { CheckpointModel, Diagnostic, Entry } from '../../../shared/model/checkpoint';
import { FormatError } from '../../../shared/errors';
import { readSafetensorsSingle } from '../../formats/hfshards';

export async function mergeSafetensorsFiles(folder: CheckpointFolder, files: readonly string[]): Promise<CheckpointModel> {
  const entries: Entry[] = [];
  const where = new Map<string, string>();
  const diagnostics: Diagnostic[] = [
    { severity: 'warning', message: `no *.safetensors.index.json: read ${files.length} safetensors files as one checkpoint` },
  ];
  for (const file of files) {
    const one = await readSafetensorsSingle(folder, file);
    for (const e of one.entries) {
      const prev = where.get(e.key);
      if (prev !== undefined) {
        throw new FormatError('INCONSISTENT', `tensor "${e.key}" is in both ${prev} and ${file}`, { file, key: e.key });
      }
      where.set(e.key, file);
      entries.push(e);
    }
    diagnostics.push(...one.diagnostics);
  }
  return {
    format: 'safetensors-sharded',
    root: folder.root,
    worldSize: null,
    entries,
    files: await folder.listFiles(),
    diagnostics,
    info: { index: 'none' },
  };
}
