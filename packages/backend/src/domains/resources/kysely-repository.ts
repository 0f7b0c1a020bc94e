import { sql, type Selectable } from 'kysely';
import type { License, Proxy, Subscription } from '@bot-mox/contracts';
import { KyselyCollection } from '../../platform/db/collection.ts';
import {
  NO_ROWS,
  botRef,
  defined,
  isUuid,
  iso,
  type Database,
  type Db,
} from '../../platform/db/database.ts';
import { InvalidReferenceError } from '../../platform/errors.ts';
import type {
  LicensesRepository,
  ProxiesRepository,
  ResourcesRepositories,
  SubscriptionsRepository,
} from './repository.ts';

// ---- licenses ---------------------------------------------------------------------------------
type LicenseRow = Selectable<Database['licenses']> & { bot_ids: string[] };

function toLicense(row: LicenseRow): License {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    key: row.key,
    type: row.type as License['type'],
    status: row.status as License['status'],
    expires_at: iso(row.expires_at),
    bot_ids: row.bot_ids,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const licenseBotIds = sql<
  string[]
>`array(select lb.bot_id::text from license_bots lb where lb.license_id = licenses.id order by lb.bot_id)`.as(
  'bot_ids',
);

/** Replaces the license's bots; a bot id that names no bot is a 400 naming its index. */
async function setLicenseBots(trx: Db, licenseId: string, botIds: string[]): Promise<void> {
  botIds.forEach((b, i) => botRef(b, `bot_ids.${i}`));
  await trx.deleteFrom('license_bots').where('license_id', '=', licenseId).execute();
  const unique = [...new Set(botIds)];
  if (unique.length === 0) return;
  const found = new Set(
    (await trx.selectFrom('bots').select('id').where('id', 'in', unique).execute()).map(
      (r) => r.id,
    ),
  );
  const missing = botIds.findIndex((b) => !found.has(b));
  if (missing >= 0) throw new InvalidReferenceError(`bot_ids.${missing}`);
  await trx
    .insertInto('license_bots')
    .values(unique.map((bot_id) => ({ license_id: licenseId, bot_id })))
    .execute();
}

const licenses = (db: Db): LicensesRepository =>
  new KyselyCollection(db, {
    table: 'licenses',
    select: (db) => db.selectFrom('licenses').selectAll('licenses').select(licenseBotIds),
    filter: (qb, q) => {
      if (q.status) qb = qb.where('licenses.status', '=', q.status);
      if (q.type) qb = qb.where('licenses.type', '=', q.type);
      if (q.bot_id) {
        qb = isUuid(q.bot_id)
          ? qb.where(
              sql<boolean>`exists (select 1 from license_bots lb where lb.license_id = licenses.id and lb.bot_id = ${q.bot_id}::uuid)`,
            )
          : qb.where(NO_ROWS);
      }
      if (q.expires_from) qb = qb.where('licenses.expires_at', '>=', new Date(q.expires_from));
      if (q.expires_to) qb = qb.where('licenses.expires_at', '<', new Date(q.expires_to));
      return qb;
    },
    sorts: {
      created_at: { expr: sql`licenses.created_at`, type: 'timestamptz' },
      expires_at: {
        expr: sql`coalesce(licenses.expires_at, 'infinity'::timestamptz)`,
        type: 'timestamptz',
      },
    },
    toItem: toLicense,
    insert: (db, input) =>
      db
        .insertInto('licenses')
        .values({
          legacy_id: null,
          key: input.key,
          type: input.type,
          status: input.status,
          expires_at: input.expires_at ?? null,
        })
        .returningAll()
        .returning(licenseBotIds),
    // A patch of bot_ids alone changes the license too: its updated_at moves (now(), as the
    // touch trigger would set it).
    update: (db, { bot_ids, ...fields }) =>
      db
        .updateTable('licenses')
        .set({
          ...defined(fields),
          ...(bot_ids !== undefined ? { updated_at: sql<Date>`now()` } : {}),
        })
        .returningAll()
        .returning(licenseBotIds),
    afterWrite: async (trx, id, { bot_ids }) => {
      if (bot_ids !== undefined) await setLicenseBots(trx, id, bot_ids);
    },
  });

// ---- proxies ----------------------------------------------------------------------------------
function toProxy(row: Selectable<Database['proxies']>): Proxy {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    ip: row.ip,
    port: row.port,
    login: row.login,
    password: row.password,
    provider: row.provider,
    country: row.country,
    status: row.status as Proxy['status'],
    expires_at: iso(row.expires_at),
    bot_id: row.bot_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const proxies = (db: Db): ProxiesRepository =>
  new KyselyCollection(db, {
    table: 'proxies',
    select: (db) => db.selectFrom('proxies').selectAll('proxies'),
    filter: (qb, q) => {
      if (q.status) qb = qb.where('status', '=', q.status);
      if (q.provider) qb = qb.where('provider', '=', q.provider);
      if (q.country) qb = qb.where('country', '=', q.country);
      if (q.bot_id) qb = isUuid(q.bot_id) ? qb.where('bot_id', '=', q.bot_id) : qb.where(NO_ROWS);
      if (q.expires_from) qb = qb.where('expires_at', '>=', new Date(q.expires_from));
      if (q.expires_to) qb = qb.where('expires_at', '<', new Date(q.expires_to));
      return qb;
    },
    sorts: {
      created_at: { expr: sql`proxies.created_at`, type: 'timestamptz' },
      expires_at: {
        expr: sql`coalesce(proxies.expires_at, 'infinity'::timestamptz)`,
        type: 'timestamptz',
      },
    },
    toItem: toProxy,
    insert: (db, input) =>
      db
        .insertInto('proxies')
        .values({
          legacy_id: null,
          ip: input.ip,
          port: input.port,
          login: input.login ?? null,
          password: input.password ?? null,
          provider: input.provider,
          country: input.country ?? null,
          status: input.status,
          expires_at: input.expires_at ?? null,
          bot_id: botRef(input.bot_id) ?? null,
          legacy_bot_id: null,
        })
        .returningAll(),
    update: (db, patch) =>
      db
        .updateTable('proxies')
        .set(defined({ ...patch, bot_id: botRef(patch.bot_id) }))
        .returningAll(),
  });

// ---- subscriptions ----------------------------------------------------------------------------
function toSubscription(row: Selectable<Database['subscriptions']>): Subscription {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    name: row.name,
    type: row.type as Subscription['type'],
    price: row.price,
    currency: row.currency,
    renews_at: iso(row.renews_at),
    bot_id: row.bot_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const subscriptions = (db: Db): SubscriptionsRepository =>
  new KyselyCollection(db, {
    table: 'subscriptions',
    select: (db) => db.selectFrom('subscriptions').selectAll('subscriptions'),
    filter: (qb, q) => {
      if (q.type) qb = qb.where('type', '=', q.type);
      if (q.currency) qb = qb.where('currency', '=', q.currency);
      if (q.bot_id) qb = isUuid(q.bot_id) ? qb.where('bot_id', '=', q.bot_id) : qb.where(NO_ROWS);
      if (q.renews_from) qb = qb.where('renews_at', '>=', new Date(q.renews_from));
      if (q.renews_to) qb = qb.where('renews_at', '<', new Date(q.renews_to));
      return qb;
    },
    sorts: {
      created_at: { expr: sql`subscriptions.created_at`, type: 'timestamptz' },
      renews_at: {
        expr: sql`coalesce(subscriptions.renews_at, 'infinity'::timestamptz)`,
        type: 'timestamptz',
      },
    },
    toItem: toSubscription,
    insert: (db, input) =>
      db
        .insertInto('subscriptions')
        .values({
          legacy_id: null,
          name: input.name,
          type: input.type,
          price: input.price,
          currency: input.currency,
          renews_at: input.renews_at ?? null,
          bot_id: botRef(input.bot_id) ?? null,
          legacy_bot_id: null,
        })
        .returningAll(),
    update: (db, patch) =>
      db
        .updateTable('subscriptions')
        .set(defined({ ...patch, bot_id: botRef(patch.bot_id) }))
        .returningAll(),
  });

export function kyselyResourcesRepositories(db: Db): ResourcesRepositories {
  return { licenses: licenses(db), proxies: proxies(db), subscriptions: subscriptions(db) };
}
