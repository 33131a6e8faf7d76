// Paths written inside checkpoint files (DCP storage paths, index.json weight_map values,
// per-rank shard names) are hostile: they must name a file directly inside the folder.

import { FormatError, type ErrorWhere } from '../../shared/errors';

/** Throws FormatError('UNSAFE_PATH') unless `name` is a plain file name inside the folder. */
export function assertBareFileName(name: string, where: ErrorWhere = {}): string {
  const bad =
    name.length === 0 ? 'is empty'
    : name.length > 255 ? 'is longer than 255 characters'
    : name.includes('\0') ? 'contains a NUL byte'
    : /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(name) ? 'is a URL'
    : /^[a-zA-Z]:/.test(name) ? 'has a drive letter'
    : name.startsWith('/') || name.startsWith('\\') ? 'is an absolute path'
    : name.includes('/') || name.includes('\\') ? 'leads into another folder'
    : name === '.' || name === '..' ? 'leads outside the checkpoint folder'
    : null;
  if (bad !== null) {
    throw new FormatError('UNSAFE_PATH', `path ${JSON.stringify(name)} ${bad}; only file names inside the checkpoint folder are allowed`, where);
  }
  return name;
}
