// Job ids chosen by the renderer, so a job can be filed before its start call returns.
// randomUUID exists in secure contexts: file:// in Electron and http://127.0.0.1 in `ui` mode.

let fallback = 0;

export function newJobId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c !== undefined && typeof c.randomUUID === 'function') return c.randomUUID();
  fallback += 1;
  return `job-${Date.now().toString(36)}-${fallback}`;
}
