// Commands about the app around the checkpoints: start-up facts, dialogs, the browser-mode
// folder browser, the recent list and "show in folder".

import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError } from '../../../shared/errors';
import { listDir, expandHome } from '../../app-service/list-dir';
import { attempt, type Handler } from '../handler';

export const appInfo: Handler<'app.info'> = (_args, s) =>
  attempt(async () => ({
    mode: s.host.mode,
    version: s.host.version,
    platform: process.platform,
    initialPath: s.host.initialPath,
    recent: await s.recent.list(),
    homeDir: os.homedir(),
    pathSeparator: path.sep === '\\' ? ('\\' as const) : ('/' as const),
    canPickFolders: s.host.pick !== undefined,
    canShowInFolder: s.host.showInFolder !== undefined,
  }));

export const dialogPick: Handler<'dialog.pick'> = (args, s) =>
  attempt(async () => {
    const pick = s.host.pick;
    if (pick === undefined) throw new FormatError('UNSUPPORTED', 'there is no folder dialog in the browser; type the path instead');
    return { path: await pick(args.purpose) };
  });

export const fsListDir: Handler<'fs.listDir'> = (args, s) =>
  attempt(() => {
    if (!s.host.canBrowse) throw new FormatError('UNSUPPORTED', 'the desktop app opens folders through its dialog, not by browsing');
    return listDir(expandHome(args.path));
  });

export const recentRemove: Handler<'recent.remove'> = (args, s) => attempt(async () => ({ recent: await s.recent.remove(args.path) }));

export const showInFolder: Handler<'shell.showInFolder'> = (args, s) =>
  attempt(() => {
    const show = s.host.showInFolder;
    if (show === undefined) return { shown: false };
    // Only what the user chose or a conversion wrote: never an arbitrary path the renderer names.
    const refused = s.host.allowPath(args.path, 'read');
    if (refused !== null && s.host.allowPath(args.path, 'write') !== null) {
      throw new FormatError(refused.code, refused.message, { file: args.path });
    }
    show(args.path);
    return { shown: true };
  });
