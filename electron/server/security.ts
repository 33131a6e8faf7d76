// Who may talk to `shardscope ui`. The server listens on 127.0.0.1 only, and like Jupyter it
// prints a link with a random token: only a request carrying that token (in the link's query,
// a header, or the cookie the first page load sets) gets anything but 403. Host and Origin must
// name this server, which stops DNS rebinding and other sites' pages in the same browser.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 192 bits: unguessable, and short enough to paste. */
const TOKEN_BYTES = 24;
export const TOKEN_HEADER = 'x-shardscope-token';

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Per port: two servers on one machine must not read each other's cookie. */
export function cookieName(port: number): string {
  return `shardscope-token-${port}`;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type Refusal = { readonly status: 403; readonly reason: string };

/** Null when the request may proceed; otherwise why not (sent as the 403 body). */
export function checkRequest(req: IncomingMessage, url: URL, port: number, token: string): Refusal | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host;
  if (host === undefined || !allowedHosts.includes(host.toLowerCase())) {
    return { status: 403, reason: 'this server answers only requests addressed to 127.0.0.1 or localhost' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return { status: 403, reason: 'requests from other origins are refused' };
  }
  const header = req.headers[TOKEN_HEADER];
  const given = [url.searchParams.get('token') ?? undefined, typeof header === 'string' ? header : undefined, cookieValue(req.headers.cookie, cookieName(port))];
  if (!given.some((g) => sameToken(g, token))) {
    return { status: 403, reason: 'missing or wrong token: open the link `shardscope ui` printed' };
  }
  return null;
}

/** Set on the first page load so the page's own assets and event stream carry the token. */
export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
