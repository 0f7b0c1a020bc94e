import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesOf, type BatchSource, type Prepared } from './batches.ts';
import { readExport } from './export-reader.ts';
import { exportBatches } from './export-worker.ts';
import type { Domain } from './records.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rtdb-worker-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportFile(json: string): Promise<string> {
  const file = path.join(dir, `export-${Math.random()}.json`);
  await writeFile(file, json);
  return file;
}

const PASSES = [
  new Set<Domain>(['bots']),
  new Set<Domain>(['notes', 'finance_operations', 'settings']),
];

async function collect(source: BatchSource, batchSize = 2): Promise<Prepared[]> {
  const items: Prepared[] = [];
  for await (const item of source(PASSES, batchSize)) items.push(item);
  return items;
}

const op = (amount: unknown) => ({
  type: 'income',
  category: 'gold_sale',
  amount,
  currency: 'EUR',
  date: 1_700_000_000_000,
});

// Duplicate keys are valid JSON text (RTDB never writes them, a hand-edited export might).
const EXPORT = `{
  "finance": { "operations": {
    "-a": ${JSON.stringify(op('1.50'))}, "-b": ${JSON.stringify(op('n/a'))},
    "-c": ${JSON.stringify(op(2))}, "-a": ${JSON.stringify(op('9.00'))}, "-d": 7 } },
  "bots": { "-x": { "name": "лес", "project": "farm", "tags": { "0": "eu" }, "extra": 1 } },
  "workspace": { "notes": { "-n": { "title": "t", "pinned": "true" } } },
  "settings": { "farm": { "maxBotsPerVm": "8", "defaultProject": "farm" } }
}`;

describe('exportBatches (the worker thread)', () => {
  it('yields exactly the batches the importing thread would make', async () => {
    const file = await exportFile(EXPORT);
    const inThread = await collect(batchesOf((domains) => readExport(file, domains)));
    const fromWorker = await collect(exportBatches(file));
    expect(fromWorker).toEqual(inThread);
    // What the batches carry: passes, batches of two, duplicates, rejects.
    expect(
      inThread.map((i) => (i.type === 'pass_done' ? i.type : `${i.type}:${i.domain}`)),
    ).toEqual([
      'batch:bots',
      'end:bots',
      'pass_done',
      'batch:finance_operations',
      'end:finance_operations',
      'batch:notes',
      'end:notes',
      'batch:settings',
      'end:settings',
      'pass_done',
    ]);
    const finance = inThread.filter(
      (i): i is Extract<Prepared, { domain: Domain }> =>
        i.type !== 'pass_done' && i.domain === 'finance_operations',
    );
    expect(finance.flatMap((i) => i.keys)).toEqual(['-a', '-b', '-c', '-d']);
    expect(finance.reduce((n, i) => n + i.read, 0)).toBe(5);
    expect(finance.reduce((n, i) => n + i.rejected, 0)).toBe(3);
    expect(finance.flatMap((i) => i.rejects.map((r) => `${r.path} ${r.kind}`))).toEqual([
      'finance/operations/-b unparseable',
      'finance/operations/-a duplicate_key',
      'finance/operations/-d not_an_object',
    ]);
  });

  it('fails as the reader does on invalid JSON (the command reports a bad export)', async () => {
    const file = await exportFile('{"bots": {"-x": {"name": "a"}}, "finance": {');
    const failure = (source: BatchSource) =>
      collect(source).then(
        () => 'no error',
        (err: Error) => ({ name: err.name, message: err.message }),
      );
    const inThread = await failure(batchesOf((domains) => readExport(file, domains)));
    expect(inThread).toMatchObject({ message: expect.stringMatching(/parse/) });
    expect(await failure(exportBatches(file))).toEqual(inThread);
  });
});
