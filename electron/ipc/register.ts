// Electron's side of the contract: one ipcMain.handle per command name, each checking that the
// sender is the app's own top-level page before the guard and the handler run (dispatch.ts).
// Plus the preload-only drop channel, which grants a path the user dropped on the window.

import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Result } from '../../shared/result';
import { pathString } from '../../shared/ipc/check';
import { COMMAND_NAMES, IPC_GRANT_DROP_CHANNEL, IPC_PREFIX } from '../../shared/ipc/contract';
import type { Session } from '../app-service/session';
import { dispatch } from './dispatch';
import type { Handlers } from './handler';
import { isAppFrame } from './sender';

const REFUSED: Result<never> = {
  ok: false,
  error: { code: 'BAD_REQUEST', message: "refused: the request did not come from Shardscope's own page" },
};

export function registerIpc(opts: {
  session: Session;
  handlers: Handlers;
  appUrl: string;
  grantDrop: (path: string) => void;
}): () => void {
  const trusted = (e: IpcMainInvokeEvent): boolean => isAppFrame(e.senderFrame, opts.appUrl);
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(IPC_PREFIX + name, (e, args: unknown) => (trusted(e) ? dispatch(opts.handlers, opts.session, name, args) : REFUSED));
  }
  ipcMain.handle(IPC_GRANT_DROP_CHANNEL, (e, p: unknown): boolean => {
    if (!trusted(e) || pathString(p, 'path') !== null) return false;
    opts.grantDrop(p as string);
    return true;
  });
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(IPC_PREFIX + name);
    ipcMain.removeHandler(IPC_GRANT_DROP_CHANNEL);
  };
}
