// What differs between the desktop app and `shardscope ui`: dialogs, the file manager, which
// paths may be touched, and how events reach the renderer. The handlers see only this interface,
// so one set of handlers serves both front ends (and unit tests, with a fake host).

import type { AppError } from '../../shared/errors';
import type { AppMode, EventName, Events, PickPurpose } from '../../shared/ipc/contract';

export type PathUse = 'read' | 'write';

export interface Host {
  readonly mode: AppMode;
  readonly version: string;
  /** The path from the command line, opened on start. */
  readonly initialPath: string | null;
  /** A native dialog; undefined where there is none (browser mode). */
  readonly pick?: (purpose: PickPurpose) => Promise<string | null>;
  /** Reveal in the OS file manager; undefined where there is none. */
  readonly showInFolder?: (path: string) => void;
  /** Whether the browser-mode folder browser may list folders (the desktop app uses dialogs). */
  readonly canBrowse: boolean;
  /**
   * Null when `path` may be used, else the error to return. The desktop app allows only paths
   * the user chose (dialog, drop, argv, recent list); `ui` trusts whoever holds its token, who
   * is the user at a shell on that machine.
   */
  allowPath(path: string, use: PathUse): AppError | null;
  /** Remember that the user chose this path (after it opened as a checkpoint). */
  grantPath(path: string, use: PathUse): void;
  emit<E extends EventName>(name: E, payload: Events[E]): void;
}
