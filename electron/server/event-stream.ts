// Server-Sent Events: the `ui` server's side of the contract's events. One stream per open page;
// every event goes to every page (the token holder is one user, maybe with two tabs).

import type { ServerResponse } from 'node:http';
import type { EventName, Events } from '../../shared/ipc/contract';

/** Proxies and ssh tunnels drop idle connections; a comment line every so often keeps it open. */
const KEEPALIVE_MS = 15_000;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    this.timer ??= setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, KEEPALIVE_MS).unref();
  }

  emit<E extends EventName>(name: E, payload: Events[E]): void {
    // JSON has one line per value; SSE `data:` lines must not contain raw newlines.
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of this.clients) c.write(frame);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
