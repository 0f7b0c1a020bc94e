import { sql, type Selectable } from 'kysely';
import type {
  License,
  LicenseCreate,
  LicenseListQuery,
  LicenseUpdate,
  PageOf,
  Proxy,
  ProxyCreate,
  ProxyListQuery,
  ProxyUpdate,
  Subscription,
  SubscriptionCreate,
  SubscriptionListQuery,
  SubscriptionUpdate,
} from '@bot-mox/contracts';
import {
  botRef,
  defined,
  isUuid,
  iso,
  type Db,
  type LicensesTable,
  type ProxiesTable,
  type SubscriptionsTable,
} from '../../platform/db/database.ts';
import { keysetPage, type SortColumn } from '../../platform/db/keyset.ts';
import { InvalidReferenceError } from '../../platform/errors.ts';
import type {
  LicensesRepository,
  ProxiesRepository,
  ResourcesRepositories,
  SubscriptionsRepository,
} from './repository.ts';

const NO_ROWS = sql<boolean>`false`;

// ---- licenses ---------------------------------------------------------------------------------
type LicenseRow = Selectable<LicensesTable> & { bot_ids: string[] };

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

const licenseSorts: Record<string, SortColumn> = {
  created_at: { expr: sql`licenses.created_at`, type: 'timestamptz' },
  expires_at: {
    expr: sql`coalesce(licenses.expires_at, 'infinity'::timestamptz)`,
    type: 'timestamptz',
  },
};

const licenseBotIds = sql<
  string[]
>`array(select lb.bot_id::text from license_bots lb where lb.license_id = licenses.id order by lb.bot_id)`;

export class KyselyLicensesRepository implements LicensesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  #select(db: Db = this.#db) {
    return db.selectFrom('licenses').selectAll('licenses').select(licenseBotIds.as('bot_ids'));
  }

  async list(q: LicenseListQuery): Promise<PageOf<License>> {
    let qb = this.#select();
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
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: licenseSorts,
      idColumn: sql`licenses.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toLicense), next_cursor: page.nextCursor };
  }

  async get(id: string): Promise<License | null> {
    if (!isUuid(id)) return null;
    const row = await this.#select().where('licenses.id', '=', id).executeTakeFirst();
    return row ? toLicense(row) : null;
  }

  async #setBots(trx: Db, licenseId: string, botIds: string[]): Promise<void> {
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

  async create(input: LicenseCreate): Promise<License> {
    return this.#db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('licenses')
        .values({
          legacy_id: null,
          key: input.key,
          type: input.type,
          status: input.status,
          expires_at: input.expires_at ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.#setBots(trx, id, input.bot_ids);
      return toLicense(
        await this.#select(trx).where('licenses.id', '=', id).executeTakeFirstOrThrow(),
      );
    });
  }

  async update(id: string, patch: LicenseUpdate): Promise<License | null> {
    if (!isUuid(id)) return null;
    return this.#db.transaction().execute(async (trx) => {
      const { bot_ids, ...fields } = patch;
      const set = defined(fields);
      const hit =
        Object.keys(set).length > 0
          ? await trx
              .updateTable('licenses')
              .set(set)
              .where('id', '=', id)
              .returning('id')
              .executeTakeFirst()
          : await trx
              .selectFrom('licenses')
              .select('id')
              .where('id', '=', id)
              .forUpdate()
              .executeTakeFirst();
      if (!hit) return null;
      if (bot_ids !== undefined) {
        await this.#setBots(trx, id, bot_ids);
        // The binding changed: the license changed.
        await trx
          .updateTable('licenses')
          .set({ updated_at: sql<Date>`now()` as never })
          .where('id', '=', id)
          .execute();
      }
      return toLicense(
        await this.#select(trx).where('licenses.id', '=', id).executeTakeFirstOrThrow(),
      );
    });
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const r = await this.#db.deleteFrom('licenses').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}

// ---- proxies ----------------------------------------------------------------------------------
function toProxy(row: Selectable<ProxiesTable>): Proxy {
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

const proxySorts: Record<string, SortColumn> = {
  created_at: { expr: sql`proxies.created_at`, type: 'timestamptz' },
  expires_at: {
    expr: sql`coalesce(proxies.expires_at, 'infinity'::timestamptz)`,
    type: 'timestamptz',
  },
};

export class KyselyProxiesRepository implements ProxiesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async list(q: ProxyListQuery): Promise<PageOf<Proxy>> {
    let qb = this.#db.selectFrom('proxies').selectAll('proxies');
    if (q.status) qb = qb.where('status', '=', q.status);
    if (q.provider) qb = qb.where('provider', '=', q.provider);
    if (q.country) qb = qb.where('country', '=', q.country);
    if (q.bot_id) qb = isUuid(q.bot_id) ? qb.where('bot_id', '=', q.bot_id) : qb.where(NO_ROWS);
    if (q.expires_from) qb = qb.where('expires_at', '>=', new Date(q.expires_from));
    if (q.expires_to) qb = qb.where('expires_at', '<', new Date(q.expires_to));
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: proxySorts,
      idColumn: sql`proxies.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toProxy), next_cursor: page.nextCursor };
  }

  async get(id: string): Promise<Proxy | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('proxies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toProxy(row) : null;
  }

  async create(input: ProxyCreate): Promise<Proxy> {
    const row = await this.#db
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
      .returningAll()
      .executeTakeFirstOrThrow();
    return toProxy(row);
  }

  async update(id: string, patch: ProxyUpdate): Promise<Proxy | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('proxies')
      .set(defined({ ...patch, bot_id: botRef(patch.bot_id) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toProxy(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const r = await this.#db.deleteFrom('proxies').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}

// ---- subscriptions ----------------------------------------------------------------------------
function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
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

const subscriptionSorts: Record<string, SortColumn> = {
  created_at: { expr: sql`subscriptions.created_at`, type: 'timestamptz' },
  renews_at: {
    expr: sql`coalesce(subscriptions.renews_at, 'infinity'::timestamptz)`,
    type: 'timestamptz',
  },
};

export class KyselySubscriptionsRepository implements SubscriptionsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async list(q: SubscriptionListQuery): Promise<PageOf<Subscription>> {
    let qb = this.#db.selectFrom('subscriptions').selectAll('subscriptions');
    if (q.type) qb = qb.where('type', '=', q.type);
    if (q.currency) qb = qb.where('currency', '=', q.currency);
    if (q.bot_id) qb = isUuid(q.bot_id) ? qb.where('bot_id', '=', q.bot_id) : qb.where(NO_ROWS);
    if (q.renews_from) qb = qb.where('renews_at', '>=', new Date(q.renews_from));
    if (q.renews_to) qb = qb.where('renews_at', '<', new Date(q.renews_to));
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: subscriptionSorts,
      idColumn: sql`subscriptions.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toSubscription), next_cursor: page.nextCursor };
  }

  async get(id: string): Promise<Subscription | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async create(input: SubscriptionCreate): Promise<Subscription> {
    const row = await this.#db
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
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSubscription(row);
  }

  async update(id: string, patch: SubscriptionUpdate): Promise<Subscription | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('subscriptions')
      .set(defined({ ...patch, bot_id: botRef(patch.bot_id) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const r = await this.#db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}

export function kyselyResourcesRepositories(db: Db): ResourcesRepositories {
  return {
    licenses: new KyselyLicensesRepository(db),
    proxies: new KyselyProxiesRepository(db),
    subscriptions: new KyselySubscriptionsRepository(db),
  };
}
