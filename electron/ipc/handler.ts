// The shape every command handler has, and the wrapper that makes "never throws" true: whatever
// a service throws becomes an AppError with a code and one readable line.

import { toAppError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type { ArgsOf, CommandName, ResultOf } from '../../shared/ipc/contract';
import type { Session } from '../app-service/session';

export type Handler<K extends CommandName> = (args: ArgsOf<K>, session: Session) => Promise<Result<ResultOf<K>>>;

export type Handlers = { readonly [K in CommandName]: Handler<K> };

export async function attempt<T>(work: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return { ok: false, error: toAppError(e) };
  }
}
