// Ctrl-C during a long verb (inspect --hash, convert, diff): the work is aborted through its
// signal, so it stops at the next block, cleans up (convert removes its partial output) and the
// verb prints one error line, instead of the process dying mid-write.

/** Runs `work` with a signal that aborts on SIGINT; the handler is removed however `work` ends. */
export async function withSigintAbort<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(ac.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
