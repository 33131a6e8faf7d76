// The jobs a convert worker runs: write a group of tensors into one output file, or hash tensors
// of the written output for --verify. Called from workers/convert.worker.ts.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { CheckpointFolder } from '../../io/folder';
import type { HashJob, HashJobResult, WriteJob, WriteJobResult } from '../../workers/convert-api';
import { FormatError } from '../../../shared/errors';
import { hashTensor } from '../inspect/hash';
import { blockingReads } from '../tensor-data/assemble';
import { createCounter } from './progress-throttle';
import { writeTensor, type ByteSink } from './write-tensor';

function checkCancel(signal: AbortSignal): void {
  if (signal.aborted) throw new FormatError('CANCELLED', 'cancelled');
}

/**
 * Positional write of every byte (write() may take less than asked). Synchronous on purpose:
 * this runs in a worker thread, which has nothing else to do meanwhile; an async write would
 * cost a hop through libuv's pool per block.
 */
function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/**
 * Reads and writes block this thread, so a `cancel` message waits for the event loop's next
 * turn; giving it one every this many bytes bounds how long a cancel takes (~10 ms of copying).
 */
export const YIELD_EVERY_BYTES = 16 * 1024 * 1024;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runWriteJob(folder: CheckpointFolder, job: WriteJob, signal: AbortSignal, onBytes: (n: number) => void): Promise<WriteJobResult> {
  const counter = createCounter(onBytes);
  const fd = openSync(job.outFile, 'r+');
  let bytes = 0;
  let sinceYield = 0;
  const sink: ByteSink = {
    write: async (data, position) => {
      if (job.fault !== undefined && bytes + data.length > job.fault.afterBytes) {
        throw Object.assign(new Error(`${job.fault.code}: injected write failure`), { code: job.fault.code, path: job.outFile });
      }
      writeFully(fd, data, position);
      bytes += data.length;
      counter.add(data.length);
      sinceYield += data.length;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await nextTurn();
        checkCancel(signal);
      }
    },
  };
  const read = blockingReads(); // one block buffer for all the job's tensors
  try {
    const hashes: (string | null)[] = [];
    for (const t of job.tensors) {
      checkCancel(signal);
      hashes.push(await writeTensor(folder, t, sink, { signal, hash: job.hash, read }));
    }
    counter.flush();
    return { hashes, bytes };
  } finally {
    closeSync(fd);
  }
}

export async function runHashJob(folder: CheckpointFolder, job: HashJob, signal: AbortSignal, onBytes: (n: number) => void): Promise<HashJobResult> {
  const counter = createCounter(onBytes);
  const hashes: string[] = [];
  const read = blockingReads(); // as the writes read
  for (const e of job.entries) {
    checkCancel(signal);
    hashes.push(await hashTensor(folder, e, signal, read));
    counter.add(e.nbytes);
  }
  counter.flush();
  return { hashes };
}
