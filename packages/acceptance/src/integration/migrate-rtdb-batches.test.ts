// migrate:rtdb driven directly with tiny batches, so that batch boundaries are known: the counts
// when one batch holds inserted, updated and unchanged records, a first import beside rows not
// imported, and a batch statement that fails while the next batch is being read (batches are
// written while the stream reads on), which must fail the run and leave the database as it was;
// and the live events a bulk import sends (one finance event per batch, not one per row).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEvent } from '@bot-mox/contracts';
import { createDatabase, EVENTS_CHANNEL, type DatabaseHandle } from '@bot-mox/backend';
import { DOMAINS, migrateRtdb, type Domain, type RecordSource } from '@bot-mox/backend/legacy-rtdb';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';

type Tree = Partial<Record<Domain, Record<string, unknown>>>;

/** The records of `tree` as the export reader yields them: each domain's records, then its end. */
const recordsOf = (tree: Tree): RecordSource =>
  async function* (domains) {
    for (const domain of DOMAINS) {
      const records = tree[domain];
      if (!records || !domains.has(domain)) continue;
      for (const [key, value] of Object.entries(records))
        yield { type: 'record', domain, key, value };
      yield { type: 'end', domain };
    }
  };

describe('migrate:rtdb in batches', () => {
  let db: StartedPostgres;
  let database: DatabaseHandle;
  const run = (tree: Tree, batchSize = 2) =>
    migrateRtdb({ db: database.db, records: recordsOf(tree), source: 'test:batches', batchSize });
  const query = async (text: string) => (await database.pool.query(text)).rows;

  beforeAll(async () => {
    db = await startPostgres();
    database = createDatabase(db.url, { max: 2 });
  }, 300_000);

  afterAll(async () => {
    await database?.close();
    await db?.stop();
  });

  const note = (title: string) => ({ title, createdAt: 1_700_000_000_000 });

  it('counts a batch of new, changed and unchanged records exactly, beside rows not imported', async () => {
    await query(`insert into public.notes (title) values ('own')`);
    const first = await run({ notes: { a: note('a'), b: note('b'), c: note('c'), d: note('d') } });
    expect(first.domains.notes).toMatchObject({ read: 4, inserted: 4, updated: 0, unchanged: 0 });

    // Batches of two: [a unchanged, b changed], [e new, c unchanged], [f new]; d is gone.
    const second = await run({
      notes: { a: note('a'), b: note('b2'), e: note('e'), c: note('c'), f: note('f') },
    });
    expect(second.domains.notes).toMatchObject({
      read: 5,
      inserted: 2,
      updated: 1,
      unchanged: 2,
      deleted: 1,
    });
    expect(second.total.changed).toBe(4);
    expect(await query('select legacy_id, title from public.notes order by title')).toEqual([
      { legacy_id: 'a', title: 'a' },
      { legacy_id: 'b', title: 'b2' },
      { legacy_id: 'c', title: 'c' },
      { legacy_id: 'e', title: 'e' },
      { legacy_id: 'f', title: 'f' },
      { legacy_id: null, title: 'own' },
    ]);

    const third = await run({
      notes: { a: note('a'), b: note('b2'), e: note('e'), c: note('c'), f: note('f') },
    });
    expect(third.total.changed).toBe(0);
    expect(third.domains.notes.unchanged).toBe(5);
  });

  it('tells listeners about imported finance operations once per batch; other writers once per row', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const events: LiveEvent[] = [];
    listener.on('notification', (msg) => events.push(LiveEvent.parse(JSON.parse(msg.payload!))));
    await listener.query(`listen ${EVENTS_CHANNEL}`);
    // NOTIFY is delivered at commit; a round trip on the listener after it has them all.
    const settle = async () => {
      await listener.query('select 1');
      return events.splice(0).filter((e) => e.type === 'finance.operation_created');
    };
    try {
      const op = (amount: string, day: number) => ({
        type: 'income',
        category: 'gold_sale',
        amount,
        currency: 'EUR',
        date: Date.UTC(2025, 4, day),
        comment: '',
      });
      // Batches of two: [f1, f2], [f3, f4], [f5].
      const ops = { f1: op('1.00', 1), f2: op('2.00', 2), f3: op('3.00', 3), f4: op('4.00', 4) };
      const result = await run({ finance_operations: { ...ops, f5: op('5.00', 5) } });
      expect(result.domains.finance_operations.inserted).toBe(5);
      const imported = await settle();
      expect(imported).toHaveLength(3);
      // Each is an imported row in the per-row payload: the newest operation of its batch.
      const rows = await query(
        `select id, legacy_id from public.finance_operations where legacy_id like 'f_'`,
      );
      const legacyOf = new Map(rows.map((r) => [r.id as string, r.legacy_id as string]));
      expect(
        imported.map((e) => e.type === 'finance.operation_created' && legacyOf.get(e.id)),
      ).toEqual(['f2', 'f4', 'f5']);
      expect(imported[2]).toMatchObject({
        operation_type: 'income',
        amount: '5.00',
        currency: 'EUR',
      });

      // A writer without bot_mox.bulk (the API, SQL) still gets one event per row.
      await query(`insert into public.finance_operations (type, category, amount, currency, occurred_at)
                   values ('expense', 'fees', 1.50, 'USD', now()), ('expense', 'fees', 2.50, 'USD', now())`);
      const perRow = await settle();
      expect(perRow.map((e) => e.type === 'finance.operation_created' && e.amount).sort()).toEqual([
        '1.50',
        '2.50',
      ]);
    } finally {
      await listener.end();
    }
  });

  it('a batch statement that fails while the next batch is read fails the run, writing nothing', async () => {
    const license = (key: string) => ({ key, type: 'single' });
    await run({ licenses: { l1: license('K-1'), l2: license('K-2') } }, 1);
    const before = await query(
      'select legacy_id, key, updated_at from public.licenses order by legacy_id',
    );
    const runs = await query('select count(*)::int as n from legacy.migration_runs');

    // l1 takes l2's key while l2 still holds it: the UPDATE of the first batch violates the
    // unique key (as it always did); l3 and the rest are read meanwhile.
    const failed = run(
      { licenses: { l1: license('K-2'), l2: license('K-2'), l3: license('K-3') } },
      1,
    );
    await expect(failed).rejects.toThrow(/licenses_key_key/);
    expect(
      await query('select legacy_id, key, updated_at from public.licenses order by legacy_id'),
    ).toEqual(before);
    expect(await query('select count(*)::int as n from legacy.migration_runs')).toEqual(runs);
  });
});
