// An export file's batches (batches.ts) made in a worker thread: parsing and normalising the
// stream is most of the import's CPU, and in the importing thread it ran between the SQL
// statements. Here it runs beside them, a bounded number of batches ahead: the worker posts a
// batch only when the importer has room for it (credits), so a large export is never read into
// memory faster than it is written.
import { on } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { batchesOf, type BatchSource, type Prepared } from './batches.ts';
import { readExport } from './export-reader.ts';
import type { Domain } from './records.ts';

/** Batches the worker may be ahead of the importer. */
const AHEAD = 4;

interface Job {
  file: string;
  passes: Domain[][];
  batchSize: number;
}
type Message = Prepared | { type: 'done' } | { type: 'error'; name: string; message: string };

// This module is the worker too, as .ts from source and .js once built.
const spawn = () =>
  new Worker(fileURLToPath(import.meta.url), { workerData: { rtdbExportWorker: true } });

/**
 * The batches of the export at `file`, parsed and normalised in a worker thread. The first
 * worker starts now, so that it loads its modules (the rules, the contracts' schemas: a few
 * hundred ms) while the caller connects; it does not keep the process alive until it is used.
 */
export function exportBatches(file: string): BatchSource {
  let spare: Worker | undefined = spawn();
  spare.unref();
  return async function* (passes, batchSize) {
    const worker = spare ?? spawn();
    spare = undefined;
    worker.ref();
    const job: Job = { file, passes: passes.map((p) => [...p]), batchSize };
    worker.postMessage(job);
    try {
      const messages = on(worker, 'message', { close: ['exit'] }) as AsyncIterable<[Message]>;
      for await (const [message] of messages) {
        if (message.type === 'done') return;
        if (message.type === 'error') {
          // A SyntaxError is a bad export (the command's input error), as from readExport.
          const Err = message.name === 'SyntaxError' ? SyntaxError : Error;
          throw new Err(message.message);
        }
        yield message;
        worker.postMessage('next');
      }
      throw new Error('the export worker stopped before the end of the export');
    } finally {
      await worker.terminate();
    }
  };
}

async function work(job: Job): Promise<void> {
  const port = parentPort!;
  let credits = AHEAD;
  let wake: (() => void) | undefined;
  const credit = () => {
    credits++;
    wake?.();
  };
  port.on('message', credit);
  const post = (m: Message) => port.postMessage(m);
  try {
    const batches = batchesOf((domains) => readExport(job.file, domains));
    const passes = job.passes.map((p) => new Set(p));
    for await (const item of batches(passes, job.batchSize)) {
      while (credits === 0) await new Promise<void>((r) => (wake = r));
      credits--;
      post(item);
    }
    post({ type: 'done' });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', name: e.name, message: e.message });
  }
  port.off('message', credit);
}

// In the worker: the first message is the job, the next ones are credits.
if (!isMainThread && (workerData as { rtdbExportWorker?: boolean } | null)?.rtdbExportWorker)
  parentPort!.once('message', (job: Job) => void work(job));
