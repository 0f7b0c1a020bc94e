// Reads the live Realtime Database as the same stream of records as an export file
// (export-reader.ts), a page of children at a time, ordered by key: RTDB answers a query with
// the whole result at once, so a page bounds the memory and the size of each answer.
import type { Database } from 'firebase-admin/database';
import type { ExportItem } from './export-reader.ts';
import { DOMAIN_PATHS, DOMAINS, type Domain } from './records.ts';

export const DEFAULT_PAGE_SIZE = 1000;

/** One page of `path`'s children after `afterKey`, in key order. */
async function page(
  database: Database,
  path: string,
  afterKey: string | null,
  size: number,
): Promise<{ key: string; value: unknown }[]> {
  let query = database.ref(path).orderByKey();
  if (afterKey !== null) query = query.startAfter(afterKey);
  // once('value') rather than get(): the same answer, and the stand-in (firebase-server) serves
  // only the former (DESIGN §4).
  const snapshot = await query.limitToFirst(size).once('value');
  const children: { key: string; value: unknown }[] = [];
  snapshot.forEach((child) => {
    children.push({ key: child.key!, value: child.val() as unknown });
  });
  return children;
}

/**
 * Yields the records of `domains` from the live database, each domain's records (in key order)
 * followed by its 'end'. A domain with no children yields only its 'end' (RTDB drops empty
 * nodes, so the import treats it as empty, as for a file).
 */
export async function* readLive(
  database: Database,
  domains: ReadonlySet<Domain>,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<ExportItem> {
  for (const domain of DOMAINS) {
    if (!domains.has(domain)) continue;
    let after: string | null = null;
    for (;;) {
      const children = await page(database, DOMAIN_PATHS[domain], after, pageSize);
      for (const { key, value } of children) yield { type: 'record', domain, key, value };
      if (children.length < pageSize) break;
      after = children.at(-1)!.key;
    }
    yield { type: 'end', domain };
  }
}
