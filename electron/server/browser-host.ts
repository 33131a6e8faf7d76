// The Host for `shardscope ui`: no native dialogs or file manager (the browser may be on another
// machine), a folder browser instead, and every path allowed, because whoever holds the token
// is the user who started the server and could `ls` and `cat` the same files in that shell.

import type { Host } from '../app-service/host';
import type { EventStream } from './event-stream';

export function browserHost(opts: { version: string; initialPath: string | null; events: EventStream }): Host {
  return {
    mode: 'browser',
    version: opts.version,
    initialPath: opts.initialPath,
    canBrowse: true,
    allowPath: () => null,
    grantPath: () => undefined,
    emit: (name, payload) => opts.events.emit(name, payload),
  };
}
