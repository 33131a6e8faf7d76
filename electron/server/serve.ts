// Puts `shardscope ui` together: the event stream, the browser host, a session over the real
// services and the HTTP server, all speaking the one contract through dispatch().

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../../shared/errors';
import { RecentStore } from '../app-service/recent';
import { Session, type Services } from '../app-service/session';
import { DEFAULT_SERVICES } from '../app-service/services';
import { dispatch } from '../ipc/dispatch';
import { HANDLERS } from '../ipc/handlers';
import { browserHost } from './browser-host';
import { EventStream } from './event-stream';
import { startUiServer, type UiServer } from './ui-server';

export interface ServeOptions {
  readonly port: number;
  readonly rendererDir: string;
  readonly initialPath: string | null;
  /** null keeps the recent list in memory. */
  readonly recentFile: string | null;
  readonly version: string;
  readonly token?: string;
  readonly services?: Services;
}

export interface Serving {
  readonly server: UiServer;
  readonly session: Session;
  stop(): Promise<void>;
}

export async function serveUi(opts: ServeOptions): Promise<Serving> {
  if (!existsSync(path.join(opts.rendererDir, 'index.html'))) {
    throw new FormatError('NOT_FOUND', `the app's pages are not built (${path.join(opts.rendererDir, 'index.html')} is missing); run: npm run build`);
  }
  const events = new EventStream();
  const host = browserHost({ version: opts.version, initialPath: opts.initialPath, events });
  const session = new Session(host, opts.services ?? DEFAULT_SERVICES, new RecentStore(opts.recentFile));
  const server = await startUiServer({
    port: opts.port,
    rendererDir: opts.rendererDir,
    events,
    dispatch: (name, args) => dispatch(HANDLERS, session, name, args),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
  });
  return {
    server,
    session,
    stop: async () => {
      await session.dispose();
      await server.close();
      await session.recent.flushed();
    },
  };
}
