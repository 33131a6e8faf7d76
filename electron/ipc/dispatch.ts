// One door for every request, whichever transport carried it (Electron IPC or the `ui` HTTP
// server): check the name and args against the contract, run the handler, return a Result.
// Nothing reaches a handler unchecked, and nothing leaves as a thrown error.

import { toAppError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { checkArgs } from '../../shared/ipc/guards';
import type { CommandName } from '../../shared/ipc/contract';
import type { Session } from '../app-service/session';
import type { Handler, Handlers } from './handler';

export async function dispatch(handlers: Handlers, session: Session, name: unknown, args: unknown): Promise<Result<unknown>> {
  const checked = checkArgs(name, args);
  if (!checked.ok) return checked;
  const handler = handlers[name as CommandName] as Handler<CommandName>;
  try {
    return await handler(checked.value as never, session);
  } catch (e) {
    // Handlers wrap their work in attempt(); reaching here is a bug, still answered as data.
    return { ok: false, error: toAppError(e) };
  }
}
