// `shardscope ui`: the desktop app's renderer served to a browser from 127.0.0.1, speaking the
// same contract as Electron IPC: POST /api/<command> with JSON args answers a Result, and
// GET /api/events streams the contract's events. For checkpoints on a machine with no display
// (ssh -L PORT:127.0.0.1:PORT, then open the printed link).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Result } from '../../shared/result';
import { isCommandName, type EventName, type Events } from '../../shared/ipc/contract';
import { EventStream } from './event-stream';
import { checkRequest, newToken, tokenCookie } from './security';
import { fileToServe, resolveStatic, streamFile } from './static-files';

/** A command's args are ids, keys and paths: a megabyte is far beyond any honest request. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Same policy as renderer/index.html's meta tag (house style §5), plus no framing. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // The token is in the URL: never send it on to another site.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};

export interface UiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly token?: string;
  /** Runs one command: guard, handler, Result (electron/ipc/dispatch.ts). */
  readonly dispatch: (name: string, args: unknown) => Promise<Result<unknown>>;
  /** Where events come from; the server streams what is emitted on it. */
  readonly events: EventStream;
}

export interface UiServer {
  readonly port: number;
  readonly token: string;
  /** The link to print: http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  emit<E extends EventName>(name: E, payload: Events[E]): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

async function handleApi(req: IncomingMessage, res: ServerResponse, name: string, opts: UiServerOptions): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'use POST', { Allow: 'POST' });
  if (!isCommandName(name)) return send(res, 404, 'text/plain; charset=utf-8', `no command ${JSON.stringify(name)}`);
  // A JSON content type makes any cross-site attempt a preflighted request, which we never allow.
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return send(res, 415, 'text/plain; charset=utf-8', 'send the arguments as application/json');
  }
  const body = await readBody(req);
  if (body === null) return send(res, 413, 'text/plain; charset=utf-8', `request body over ${MAX_REQUEST_BODY_BYTES} bytes`);
  let args: unknown;
  try {
    args = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    const r: Result<never> = { ok: false, error: { code: 'BAD_REQUEST', message: `${name}: the request body is not JSON` } };
    return send(res, 400, 'application/json', JSON.stringify(r));
  }
  const result = await opts.dispatch(name, args);
  send(res, 200, 'application/json', JSON.stringify(result));
}

async function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL, port: number, token: string, opts: UiServerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed', { Allow: 'GET, HEAD' });
  const abs = resolveStatic(opts.rendererDir, url.pathname);
  const file = abs === null ? null : await fileToServe(abs);
  if (abs === null || file === null) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  const headers: Record<string, string> = { ...COMMON_HEADERS, 'Content-Type': file.type, 'Content-Length': String(file.size), 'Cache-Control': 'no-cache' };
  if (url.pathname === '/' || url.pathname === '/index.html') headers['Set-Cookie'] = tokenCookie(port, token);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  streamFile(abs).pipe(res);
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = opts.token ?? newToken();
  let port = opts.port;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = checkRequest(req, url, port, token);
    if (refused !== null) return send(res, refused.status, 'text/plain; charset=utf-8', refused.reason);
    const work =
      url.pathname === '/api/events' && req.method === 'GET'
        ? Promise.resolve(opts.events.attach(res))
        : url.pathname.startsWith('/api/')
          ? handleApi(req, res, url.pathname.slice('/api/'.length), opts)
          : handleStatic(req, res, url, port, token, opts);
    work.catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    emit: (name, payload) => opts.events.emit(name, payload),
    close: () =>
      new Promise<void>((resolve) => {
        opts.events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
