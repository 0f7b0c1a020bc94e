import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExport, type ExportItem } from './export-reader.ts';
import { DOMAINS, type Domain } from './records.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rtdb-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(json: string, domains: readonly Domain[] = DOMAINS): Promise<ExportItem[]> {
  const file = path.join(dir, `export-${Math.random()}.json`);
  await writeFile(file, json);
  const items: ExportItem[] = [];
  for await (const item of readExport(file, new Set(domains))) items.push(item);
  return items;
}

describe('readExport', () => {
  it('yields each domain’s records in file order, then its end, at any nesting', async () => {
    const items = await read(
      JSON.stringify({
        finance: { operations: { '-a': { amount: 'n/a' }, '-b': { amount: 1.5 } } },
        bots: { '-x': { name: 'лес', tags: { '0': 'eu' } } },
        unrelated: { bots: { '-y': {} } },
        settings: { farm: { maxBotsPerVm: 8 } },
      }),
    );
    expect(items).toEqual([
      { type: 'record', domain: 'finance_operations', key: '-a', value: { amount: 'n/a' } },
      { type: 'record', domain: 'finance_operations', key: '-b', value: { amount: 1.5 } },
      { type: 'end', domain: 'finance_operations' },
      { type: 'record', domain: 'bots', key: '-x', value: { name: 'лес', tags: { '0': 'eu' } } },
      { type: 'end', domain: 'bots' },
      { type: 'record', domain: 'settings', key: 'farm', value: { maxBotsPerVm: 8 } },
      { type: 'end', domain: 'settings' },
    ]);
  });

  it('yields only the wanted domains, and records that are not objects too', async () => {
    const items = await read(
      JSON.stringify({ bots: { '-x': 'garbage' }, workspace: { notes: { '-n': {} } } }),
      ['bots'],
    );
    expect(items).toEqual([
      { type: 'record', domain: 'bots', key: '-x', value: 'garbage' },
      { type: 'end', domain: 'bots' },
    ]);
  });

  it('keys an array-shaped domain by index', async () => {
    const items = await read(JSON.stringify({ workspace: { calendar: [{ title: 'a' }, null] } }));
    expect(
      items.filter((i) => i.type === 'record').map((i) => i.type === 'record' && i.key),
    ).toEqual(['0', '1']);
  });

  it('keeps text that spans read chunks byte-exact', async () => {
    const content = 'перезапустить ферму\t"q"\n'.repeat(20_000); // > one 256 KiB chunk
    const items = await read(JSON.stringify({ workspace: { notes: { '-n': { content } } } }));
    expect(items[0]).toEqual({ type: 'record', domain: 'notes', key: '-n', value: { content } });
  });

  it('throws on invalid or truncated JSON and on a domain that is not an object', async () => {
    await expect(read('{"bots": {"-x": {"name": "a"}}, }')).rejects.toThrow();
    await expect(read('{"bots": {"-x": {"name": "a"')).rejects.toThrow();
    await expect(read('[1, 2]')).rejects.toThrow(/not a JSON object/);
    await expect(read('{"bots": 42}')).rejects.toThrow(/bots is not an object of records/);
  });
});
