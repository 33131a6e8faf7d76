// The command table: one handler per name in the contract (the type makes a missing one a
// compile error).

import type { Handlers } from '../handler';
import { appInfo, dialogPick, fsListDir, recentRemove, showInFolder } from './app';
import { checkpointClose, checkpointEntry, checkpointOpen, tensorPreview } from './checkpoint';
import { convertStart, diffStart, jobCancel, tensorStats } from './jobs';

export const HANDLERS: Handlers = {
  'app.info': appInfo,
  'dialog.pick': dialogPick,
  'fs.listDir': fsListDir,
  'checkpoint.open': checkpointOpen,
  'checkpoint.close': checkpointClose,
  'checkpoint.entry': checkpointEntry,
  'tensor.preview': tensorPreview,
  'tensor.stats': tensorStats,
  'convert.start': convertStart,
  'diff.start': diffStart,
  'job.cancel': jobCancel,
  'recent.remove': recentRemove,
  'shell.showInFolder': showInFolder,
};
