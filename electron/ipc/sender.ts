// Which frames may call the contract: the app's own top-level page, loaded from the packaged
// renderer. Electron-free (a structural frame type), so it is tested in plain Node.

/** The part of Electron's WebFrameMain this check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** The app's page, whatever its hash or query: file:///…/out/renderer/index.html. */
export function isAppFrame(frame: FrameLike | null | undefined, appUrl: string): boolean {
  if (frame === null || frame === undefined || frame.parent !== null) return false;
  try {
    const u = new URL(frame.url);
    return `${u.protocol}//${u.host}${u.pathname}` === appUrl;
  } catch {
    return false;
  }
}
