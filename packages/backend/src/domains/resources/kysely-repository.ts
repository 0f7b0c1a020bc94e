import { sql, type Selectable } from 'kysely';
import type { License, Proxy, Subscription } from '@bot-mox/contracts';
import { KyselyCollection, inRange, matching, ofBot } from '../../platform/db/collection.ts';
import {
  iso,
  NO_ROWS,
  botRef,
  isUuid,
  rowStamps,
  withBotRef,
  type Database,
  type Db,
} from '../../platform/db/database.ts';
import { sortBy, sortByTimeNullsLast } from '../../platform/db/keyset.ts';
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
    ...rowStamps(row),
    key: row.key,
    type: row.type as License['type'],
    status: row.status as License['status'],
    expires_at: iso(row.expires_at),
    bot_ids: row.bot_ids,
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
      qb = matching(qb, { status: q.status, type: q.type });
      if (q.bot_id) {
        qb = isUuid(q.bot_id)
          ? qb.where(
              sql<boolean>`exists (select 1 from license_bots lb where lb.license_id = licenses.id and lb.bot_id = ${q.bot_id}::uuid)`,
            )
          : qb.where(NO_ROWS);
      }
      return inRange(qb, 'expires_at', q.expires_from, q.expires_to);
    },
    sorts: {
      created_at: sortBy('licenses.created_at'),
      expires_at: sortByTimeNullsLast('licenses.expires_at'),
    },
    toItem: toLicense,
    insert: (db, { bot_ids: _bots, ...license }) =>
      db.insertInto('licenses').values(license).returningAll().returning(licenseBotIds),
    // A patch of bot_ids alone changes the license too: its updated_at moves (now(), as the
    // touch trigger would set it).
    update: (db, { bot_ids, ...fields }) =>
      db
        .updateTable('licenses')
        .set({
          ...fields,
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
    ...rowStamps(row),
    ip: row.ip,
    port: row.port,
    login: row.login,
    password: row.password,
    provider: row.provider,
    country: row.country,
    status: row.status as Proxy['status'],
    expires_at: iso(row.expires_at),
    bot_id: row.bot_id,
  };
}

const proxies = (db: Db): ProxiesRepository =>
  new KyselyCollection(db, {
    table: 'proxies',
    select: (db) => db.selectFrom('proxies').selectAll('proxies'),
    filter: (qb, q) => {
      qb = matching(qb, { status: q.status, provider: q.provider, country: q.country });
      return inRange(ofBot(qb, q.bot_id), 'expires_at', q.expires_from, q.expires_to);
    },
    sorts: {
      created_at: sortBy('proxies.created_at'),
      expires_at: sortByTimeNullsLast('proxies.expires_at'),
    },
    toItem: toProxy,
    insert: (db, input) => db.insertInto('proxies').values(withBotRef(input)).returningAll(),
    update: (db, patch) => db.updateTable('proxies').set(withBotRef(patch)).returningAll(),
  });

// ---- subscriptions ----------------------------------------------------------------------------
function toSubscription(row: Selectable<Database['subscriptions']>): Subscription {
  return {
    ...rowStamps(row),
    name: row.name,
    type: row.type as Subscription['type'],
    price: row.price,
    currency: row.currency,
    renews_at: iso(row.renews_at),
    bot_id: row.bot_id,
  };
}

const subscriptions = (db: Db): SubscriptionsRepository =>
  new KyselyCollection(db, {
    table: 'subscriptions',
    select: (db) => db.selectFrom('subscriptions').selectAll('subscriptions'),
    filter: (qb, q) => {
      qb = matching(qb, { type: q.type, currency: q.currency });
      return inRange(ofBot(qb, q.bot_id), 'renews_at', q.renews_from, q.renews_to);
    },
    sorts: {
      created_at: sortBy('subscriptions.created_at'),
      renews_at: sortByTimeNullsLast('subscriptions.renews_at'),
    },
    toItem: toSubscription,
    insert: (db, input) => db.insertInto('subscriptions').values(withBotRef(input)).returningAll(),
    update: (db, patch) => db.updateTable('subscriptions').set(withBotRef(patch)).returningAll(),
  });

export function kyselyResourcesRepositories(db: Db): ResourcesRepositories {
  return { licenses: licenses(db), proxies: proxies(db), subscriptions: subscriptions(db) };
}
