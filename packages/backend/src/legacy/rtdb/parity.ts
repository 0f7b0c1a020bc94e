// cli parity (issue 15, phase 4): reads the same entities through both repository
// implementations (Kysely on Postgres, RTDB on firebase-admin), both in the public API shape, and
// compares the agreed fields (PARITY_FIELDS). Records are matched by their RTDB key: legacy_id in
// Postgres, the key itself in RTDB; references to bots are compared as the bots' RTDB keys.
import { isDeepStrictEqual } from 'node:util';
import type { Database as FirebaseDatabase } from 'firebase-admin/database';
import { SETTINGS_SECTIONS } from '@bot-mox/contracts';
import { kyselyRepositories, type Repositories } from '../../domains/index.ts';
import type { CollectionRepository } from '../../platform/repository.ts';
import type { Db } from '../../platform/db/database.ts';
import type { RtdbCollection } from './repositories/collection.ts';
import { rtdbRepositories } from './repositories/index.ts';
import { DOMAINS, type Domain } from './records.ts';

/**
 * The fields compared, per domain (API names). Left out everywhere: `id` (each store has its
 * own) and `legacy_id` (the match key). Left out where the legacy records carry no such time:
 * `created_at` / `updated_at`, which Postgres stamps at import (migrate.ts) and RTDB derives
 * from the push id; tasks have createdAt only.
 */
export const PARITY_FIELDS: Record<Domain, readonly string[]> = {
  bots: [
    'name',
    'status',
    'project',
    'vm_name',
    'character',
    'tags',
    'last_seen_at',
    'created_at',
    'updated_at',
  ],
  licenses: ['key', 'type', 'status', 'expires_at', 'bot_ids'],
  proxies: [
    'ip',
    'port',
    'login',
    'password',
    'provider',
    'country',
    'status',
    'expires_at',
    'bot_id',
  ],
  subscriptions: ['name', 'type', 'price', 'currency', 'renews_at', 'bot_id'],
  notes: ['title', 'content', 'pinned', 'created_at', 'updated_at'],
  tasks: ['title', 'status', 'due_at', 'bot_id', 'created_at'],
  calendar_events: ['title', 'date', 'note'],
  finance_operations: [
    'type',
    'category',
    'amount',
    'currency',
    'occurred_at',
    'bot_id',
    'bot_name',
    'comment',
  ],
  settings: ['data'],
};

type Item = Record<string, unknown> & { id: string; legacy_id?: string | null };
type AnyCollection = CollectionRepository<
  Item,
  never,
  never,
  { sort: string; limit: number; cursor?: string }
>;
type CollectionDomain = Exclude<Domain, 'settings'>;

const collectionOf = (r: Repositories, domain: CollectionDomain): AnyCollection =>
  ({
    bots: r.bots,
    licenses: r.resources.licenses,
    proxies: r.resources.proxies,
    subscriptions: r.resources.subscriptions,
    notes: r.workspace.notes,
    tasks: r.workspace.tasks,
    calendar_events: r.workspace.calendar,
    finance_operations: r.operations,
  })[domain] as unknown as AnyCollection;

export interface Mismatch {
  key: string;
  field: string;
  supabase: unknown;
  rtdb: unknown;
}

export interface DomainParity {
  /** Records on each side (of the sample's keys, when sampled). */
  supabase: number;
  rtdb: number;
  compared: number;
  missing_in_supabase: string[];
  missing_in_rtdb: string[];
  mismatches: Mismatch[];
}

export interface ParityReport {
  mode: 'full' | 'sample';
  sample: number | null;
  seed: number | null;
  fields: Record<Domain, readonly string[]>;
  domains: Record<Domain, DomainParity>;
  total: {
    compared: number;
    missing_in_supabase: number;
    missing_in_rtdb: number;
    mismatches: number;
  };
  ok: boolean;
  seconds: number;
}

export interface ParityOptions {
  db: Db;
  rtdb: FirebaseDatabase;
  /** Compare this many keys per domain (seeded, repeatable) instead of all of them. */
  sample?: { size: number; seed: number } | undefined;
  log?: (line: string) => void;
}

/** mulberry32: a small seeded generator, so that a sample is repeatable from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` of `keys` (sorted first, so the sample depends on the seed only). */
export function sampleKeys(keys: Iterable<string>, size: number, seed: number): string[] {
  const all = [...new Set(keys)].sort();
  const next = random(seed);
  for (let i = 0; i < Math.min(size, all.length); i++) {
    const j = i + Math.floor(next() * (all.length - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, size);
}

/** Every item of a Kysely collection, a page at a time. */
async function listAll(repo: AnyCollection): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.list({ sort: 'created_at', limit: 200, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

/** The key a Postgres row is matched on: its legacy key, or its own id for rows born there. */
const pgKey = (item: Item) => item.legacy_id ?? `id:${item.id}`;

/** Postgres bot ids as the RTDB keys they were imported from (parity compares keys). */
async function botKeys(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('bots').select(['id', 'legacy_id']).execute();
  return new Map(rows.map((r) => [r.id, r.legacy_id ?? `id:${r.id}`]));
}

/** A Postgres item with its bot references as RTDB keys. */
function normalisePg(item: Item, bots: Map<string, string>): Item {
  const out: Item = { ...item };
  if (typeof item.bot_id === 'string') out.bot_id = bots.get(item.bot_id) ?? `id:${item.bot_id}`;
  if (Array.isArray(item.bot_ids))
    out.bot_ids = (item.bot_ids as string[]).map((b) => bots.get(b) ?? `id:${b}`).sort();
  return out;
}

function compare(
  domain: Domain,
  keys: string[],
  pg: Map<string, Item>,
  rt: Map<string, Item>,
): DomainParity {
  const result: DomainParity = {
    supabase: 0,
    rtdb: 0,
    compared: 0,
    missing_in_supabase: [],
    missing_in_rtdb: [],
    mismatches: [],
  };
  for (const key of keys.sort()) {
    const a = pg.get(key);
    const b = rt.get(key);
    if (a) result.supabase++;
    if (b) result.rtdb++;
    if (!a) result.missing_in_supabase.push(key);
    if (!b) result.missing_in_rtdb.push(key);
    if (!a || !b) continue;
    result.compared++;
    for (const field of PARITY_FIELDS[domain]) {
      if (!isDeepStrictEqual(a[field], b[field]))
        result.mismatches.push({ key, field, supabase: a[field], rtdb: b[field] });
    }
  }
  return result;
}

export async function checkParity(options: ParityOptions): Promise<ParityReport> {
  const started = performance.now();
  const { db, sample } = options;
  const log = options.log ?? (() => {});
  const pgRepos = kyselyRepositories(db);
  const rtRepos = rtdbRepositories(options.rtdb);
  const bots = await botKeys(db);
  const domains = {} as Record<Domain, DomainParity>;
  for (const domain of DOMAINS) {
    const pg = new Map<string, Item>();
    const rt = new Map<string, Item>();
    let keys: string[];
    if (domain === 'settings') {
      // Three sections at most: always all of them.
      for (const s of await pgRepos.settings.list())
        pg.set(s.section, { id: s.section, data: s.data });
      for (const s of await rtRepos.settings.list())
        rt.set(s.section, { id: s.section, data: s.data });
      keys = [...new Set([...pg.keys(), ...rt.keys()])].filter((k) =>
        (SETTINGS_SECTIONS as readonly string[]).includes(k),
      );
    } else {
      // The RTDB side is read whole even for a sample: the SDK has no keys-only (shallow) read,
      // so listing the keys costs the same as reading the records.
      const rtdb = collectionOf(rtRepos, domain) as unknown as RtdbCollection<
        Item,
        object,
        object,
        never
      >;
      for (const item of await rtdb.all()) rt.set(item.id, item);
      const pgRepo = collectionOf(pgRepos, domain);
      if (!sample) {
        for (const item of await listAll(pgRepo)) pg.set(pgKey(item), normalisePg(item, bots));
        keys = [...new Set([...pg.keys(), ...rt.keys()])];
      } else {
        // Postgres: the keys from the table, then each sampled record through the repository.
        const ids = await db.selectFrom(domain).select(['id', 'legacy_id']).execute();
        const idOf = new Map(ids.map((r) => [r.legacy_id ?? `id:${r.id}`, r.id]));
        keys = sampleKeys([...idOf.keys(), ...rt.keys()], sample.size, sample.seed);
        for (const key of keys) {
          const id = idOf.get(key);
          const item = id ? await pgRepo.get(id) : null;
          if (item) pg.set(key, normalisePg(item, bots));
        }
      }
    }
    domains[domain] = compare(domain, keys, pg, rt);
    const d = domains[domain];
    log(
      `${domain}: ${d.compared} compared, ${d.missing_in_supabase.length} missing in supabase, ` +
        `${d.missing_in_rtdb.length} missing in rtdb, ${d.mismatches.length} field mismatch(es)`,
    );
  }
  const all = Object.values(domains);
  const total = {
    compared: all.reduce((n, d) => n + d.compared, 0),
    missing_in_supabase: all.reduce((n, d) => n + d.missing_in_supabase.length, 0),
    missing_in_rtdb: all.reduce((n, d) => n + d.missing_in_rtdb.length, 0),
    mismatches: all.reduce((n, d) => n + d.mismatches.length, 0),
  };
  return {
    mode: sample ? 'sample' : 'full',
    sample: sample?.size ?? null,
    seed: sample?.seed ?? null,
    fields: PARITY_FIELDS,
    domains,
    total,
    ok: total.missing_in_supabase + total.missing_in_rtdb + total.mismatches === 0,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

const EXAMPLES = 5;
const show = (v: unknown) => JSON.stringify(v) ?? 'undefined';

/** The report for people: counts per domain, then a few examples of each kind of difference. */
export function formatParity(report: ParityReport): string[] {
  const lines = [
    `${report.mode === 'sample' ? `sample of ${report.sample} per domain (seed ${report.seed})` : 'full comparison'}:`,
  ];
  for (const [domain, d] of Object.entries(report.domains)) {
    lines.push(
      `  ${domain}: supabase ${d.supabase}, rtdb ${d.rtdb}, compared ${d.compared}, ` +
        `missing in supabase ${d.missing_in_supabase.length}, missing in rtdb ${d.missing_in_rtdb.length}, ` +
        `field mismatches ${d.mismatches.length}`,
    );
    for (const key of d.missing_in_supabase.slice(0, EXAMPLES))
      lines.push(`    missing in supabase: ${domain}/${key}`);
    for (const key of d.missing_in_rtdb.slice(0, EXAMPLES))
      lines.push(`    missing in rtdb: ${domain}/${key}`);
    for (const m of d.mismatches.slice(0, EXAMPLES))
      lines.push(
        `    ${domain}/${m.key} ${m.field}: supabase ${show(m.supabase)}, rtdb ${show(m.rtdb)}`,
      );
  }
  const t = report.total;
  lines.push(
    `${report.ok ? 'parity: OK' : 'parity: DIFFERENCES'}: ${t.compared} compared, ` +
      `${t.missing_in_supabase} missing in supabase, ${t.missing_in_rtdb} missing in rtdb, ` +
      `${t.mismatches} field mismatch(es), ${report.seconds} s`,
  );
  return lines;
}
