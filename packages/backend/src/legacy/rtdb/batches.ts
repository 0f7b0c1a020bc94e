// The part of migrate:rtdb that needs no database: a source's records, checked for duplicate
// keys, normalised (records.ts) and grouped into batches of rows. It is pure, so that it can run
// in a worker thread beside the SQL (export-worker.ts) or in the importing thread (any other
// source, e.g. the live RTDB or a test's records).
import type { ExportItem } from './export-reader.ts';
import { DOMAIN_PATHS, mapRecord, type Domain, type Reject, type Row } from './records.ts';

/** What the records read since the previous item add to their domain's summary. */
interface Tally {
  /** Records read (duplicates included). */
  read: number;
  /** Records not imported (a duplicate key, or no row: `rejects` says why). */
  rejected: number;
  /** Every reject of those records (skipped records and dropped or NULL fields). */
  rejects: Reject[];
  /** Their keys, duplicates once: what the export holds (rows with other keys are deleted). */
  keys: string[];
}

export type Prepared =
  /** Up to batch-size rows of one domain, ready to upsert. */
  | ({ type: 'batch'; domain: Domain; rows: Row[] } & Tally)
  /** The domain's records are all read (its last rows came in the batch before). */
  | ({ type: 'end'; domain: Domain } & Tally)
  /** One pass over the source is done (see BatchSource). */
  | { type: 'pass_done' };

/**
 * Batches from a source, one pass per set of domains in order, each pass followed by a
 * 'pass_done' (bots are read in a pass of their own, so that every reference in the next pass
 * resolves against this run's bots).
 */
export type BatchSource = (
  passes: ReadonlySet<Domain>[],
  batchSize: number,
) => AsyncIterable<Prepared>;

/** The batches of `records` (raw items, as the export and live readers yield them). */
export function batchesOf(
  records: (domains: ReadonlySet<Domain>) => AsyncIterable<ExportItem>,
): BatchSource {
  return async function* (passes, batchSize) {
    const seen = new Map<Domain, Set<string>>();
    for (const domains of passes) {
      yield* prepare(records(domains), batchSize, seen);
      yield { type: 'pass_done' };
    }
  };
}

async function* prepare(
  items: AsyncIterable<ExportItem>,
  batchSize: number,
  seen: Map<Domain, Set<string>>,
): AsyncGenerator<Prepared> {
  const none = (): Tally => ({ read: 0, rejected: 0, rejects: [], keys: [] });
  const empty = (): { rows: Row[] } & Tally => ({ rows: [], ...none() });
  const pending = new Map<Domain, { rows: Row[] } & Tally>();
  const take = (domain: Domain) => {
    const p = pending.get(domain) ?? empty();
    pending.delete(domain);
    return p;
  };
  for await (const item of items) {
    const { domain } = item;
    if (item.type === 'end') {
      const { rows, ...tally } = take(domain);
      // The last rows travel as a batch with their tally; the end then adds nothing.
      if (rows.length) yield { type: 'batch', domain, rows, ...tally };
      yield { type: 'end', domain, ...(rows.length ? none() : tally) };
      continue;
    }
    const { key } = item;
    const p = pending.get(domain) ?? pending.set(domain, empty()).get(domain)!;
    p.read++;
    const keys = seen.get(domain) ?? seen.set(domain, new Set()).get(domain)!;
    if (keys.has(key)) {
      p.rejected++;
      p.rejects.push({
        path: `${DOMAIN_PATHS[domain]}/${key}`,
        field: '',
        kind: 'duplicate_key',
        outcome: 'record_skipped',
        raw: item.value,
        reason: 'the key occurs twice in the export; the second record is not imported',
      });
      continue;
    }
    keys.add(key);
    p.keys.push(key);
    const mapped = mapRecord(domain, key, item.value);
    p.rejects.push(...mapped.rejects);
    if (!mapped.row) {
      p.rejected++;
      continue;
    }
    p.rows.push(mapped.row);
    if (p.rows.length >= batchSize) yield { type: 'batch', domain, ...take(domain) };
  }
}
