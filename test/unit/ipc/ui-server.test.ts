// `shardscope ui`'s HTTP server: 403 without the token (query, header or cookie), 403 for a
// foreign Host (DNS rebinding) or Origin (another site's page), the same contract as IPC over
// POST /api/<command>, events over Server-Sent Events, and only the renderer's files served.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../electron/app-service/session';
import { DEFAULT_SERVICES } from '../../../electron/app-service/services';
import { serveUi, type Serving } from '../../../electron/server/serve';
import { cookieName } from '../../../electron/server/security';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so the test can send the Host and Origin headers a browser or an attacker would. */
function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'tp', 'checkpoint');
const TOKEN = 'test-token-0123456789abcdefghij';

let dir: string;
let serving: Serving;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shardscope-server-'));
  const renderer = path.join(dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'not for the browser');
  const services: Services = DEFAULT_SERVICES;
  serving = await serveUi({ port: 0, rendererDir: renderer, initialPath: FIXTURE, recentFile: null, version: '0.0.0', token: TOKEN, services });
  port = serving.server.port;
});

afterAll(async () => {
  await serving?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const api = (name: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  send(port, { method: 'POST', path: `/api/${name}`, headers: { 'Content-Type': 'application/json', 'X-Shardscope-Token': TOKEN, ...headers }, body: JSON.stringify(body) });

describe('who may talk to the server', () => {
  it('prints a link to 127.0.0.1 with the token', () => {
    expect(serving.server.url).toBe(`http://127.0.0.1:${port}/?token=${TOKEN}`);
  });

  it('refuses requests without the token, or with a wrong one', async () => {
    for (const r of [
      await send(port, { path: '/' }),
      await send(port, { path: '/?token=wrong' }),
      await send(port, { path: `/?token=${TOKEN}x` }),
      await send(port, { path: '/assets/app.js' }),
      await api('app.info', {}, { 'X-Shardscope-Token': 'nope' }),
      await send(port, { path: '/api/events' }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body).toBe('missing or wrong token: open the link `shardscope ui` printed');
    }
  });

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    const r = await send(port, { path: `/?token=${TOKEN}`, headers: { Host: `evil.example:${port}` } });
    expect(r.status).toBe(403);
    expect(r.body).toContain('127.0.0.1 or localhost');
  });

  it('refuses a foreign Origin (another site’s page) even with the token', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
      const r = await api('app.info', {}, { Origin: origin });
      expect(r.status, origin).toBe(403);
      expect(r.body).toBe('requests from other origins are refused');
    }
  });

  it('accepts its own origin, and localhost as the host', async () => {
    expect((await api('app.info', {}, { Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await send(port, { path: `/?token=${TOKEN}`, headers: { Host: `localhost:${port}` } })).status).toBe(200);
  });

  it('serves the page with the token, sets the cookie its assets then use, and strict headers', async () => {
    const page = await send(port, { path: `/?token=${TOKEN}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>t</title>');
    expect(page.headers['set-cookie']?.[0]).toBe(`${cookieName(port)}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await send(port, { path: '/assets/app.js', headers: { Cookie: `${cookieName(port)}=${TOKEN}` } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00', '/package.json']) {
      const r = await send(port, { path: `${p}${p.includes('?') ? '&' : '?'}token=${TOKEN}` });
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('not for the browser');
    }
  });
});

describe('the contract over HTTP', () => {
  it('answers a command with a Result', async () => {
    const r = await api('app.info', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { mode: 'browser', initialPath: FIXTURE } });
  });

  it('answers a malformed payload with a BAD_REQUEST Result naming the field', async () => {
    expect(JSON.parse((await api('checkpoint.open', { path: 7 })).body)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'checkpoint.open: args.path must be a string, not number' },
    });
  });

  it('refuses names outside the allow-list, other methods and other content types', async () => {
    expect((await api('shell.openExternal', {})).status).toBe(404);
    expect((await send(port, { path: '/api/app.info', headers: { 'X-Shardscope-Token': TOKEN } })).status).toBe(405);
    const form = await send(port, { method: 'POST', path: '/api/app.info', headers: { 'X-Shardscope-Token': TOKEN, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    const notJson = await send(port, { method: 'POST', path: '/api/app.info', headers: { 'X-Shardscope-Token': TOKEN, 'Content-Type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe('BAD_REQUEST');
  });

  it('streams job events as Server-Sent Events', async () => {
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/api/events?token=${TOKEN}`, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        res.on('data', (b: Buffer) => {
          events.push(b.toString());
          if (events.join('').includes('event: job.done')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (events.join('').includes('event: job.done') ? resolve() : reject(e)));
      req.end();
    });
    // Let the stream attach before the job starts.
    await new Promise((r) => setTimeout(r, 50));
    const opened = JSON.parse((await api('checkpoint.open', { path: FIXTURE })).body) as { value: { id: string; entries: { keys: string[]; kinds: string[] } } };
    const key = opened.value.entries.keys[opened.value.entries.kinds.indexOf('t')]!;
    expect(JSON.parse((await api('tensor.stats', { id: opened.value.id, key, jobId: 'sse-1' })).body)).toEqual({ ok: true, value: { jobId: 'sse-1' } });
    await done;
    const text = events.join('');
    const frame = /event: job\.done\ndata: (.*)\n\n/.exec(text);
    expect(frame).not.toBeNull();
    expect(JSON.parse(frame![1]!)).toMatchObject({ jobId: 'sse-1', kind: 'stats', outcome: { ok: true } });
  });
});
