// Serves the built renderer (out/renderer) and nothing else: a request path is resolved inside
// that folder or refused, and only the file types the build emits are served.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The absolute file to serve for a URL path, or null when it is outside `root` or not a known type. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const abs = path.resolve(root, rel);
  const inside = path.relative(root, abs);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return TYPES[path.extname(abs).toLowerCase()] !== undefined ? abs : null;
}

export async function fileToServe(abs: string): Promise<{ size: number; type: string } | null> {
  try {
    const st = await stat(abs);
    if (!st.isFile()) return null;
    return { size: st.size, type: TYPES[path.extname(abs).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

export function streamFile(abs: string): NodeJS.ReadableStream {
  return createReadStream(abs);
}
