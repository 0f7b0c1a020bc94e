import { describe, expect, it } from 'vitest';
import {
  BOT_STATUSES,
  BotCreate,
  BotListQuery,
  BotStats,
  Money,
  OperationCreate,
  PositiveMoney,
  ProxyCreate,
  buildOpenApiDocument,
  endpoints,
  settingsSections,
} from './index.ts';

describe('money and currency', () => {
  it('accepts decimal strings only', () => {
    expect(Money.safeParse('12.50').success).toBe(true);
    expect(Money.safeParse('-0.5').success).toBe(true);
    expect(Money.safeParse(12.5).success).toBe(false);
    expect(Money.safeParse('12.505').success).toBe(false);
    expect(Money.safeParse('1e3').success).toBe(false);
    expect(PositiveMoney.safeParse('0.00').success).toBe(false);
  });
  it('requires an ISO currency on operations', () => {
    const r = OperationCreate.safeParse({
      type: 'income',
      category: 'gold_sale',
      amount: '1.00',
      currency: 'usd',
      occurred_at: '2025-01-01T00:00:00Z',
    });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['currency']);
  });
});

describe('request schemas', () => {
  it('reject unknown fields by name', () => {
    const r = BotCreate.safeParse({ name: 'a', project: 'wow_tbc', colour: 'red' });
    expect(r.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['colour'] });
  });
  it('coerce query strings and apply defaults', () => {
    expect(BotListQuery.parse({ limit: '20' })).toEqual({ limit: 20, sort: '-created_at' });
  });
  it('check range order', () => {
    const r = BotListQuery.safeParse({
      created_from: '2025-02-01T00:00:00Z',
      created_to: '2025-01-01T00:00:00Z',
    });
    expect(r.error?.issues[0]?.path).toEqual(['created_to']);
  });
  it('validate proxies (ip, port range)', () => {
    const r = ProxyCreate.safeParse({ ip: '999.1.1.1', port: 70000, provider: 'x' });
    expect(r.error?.issues.map((i) => i.path[0]).sort()).toEqual(['ip', 'port']);
  });
  it('bot stats carry a count for every status, and only those', () => {
    const by_status = Object.fromEntries(BOT_STATUSES.map((s) => [s, 0]));
    const stats = { total: 0, by_status, by_project: [] };
    expect(BotStats.safeParse(stats).success).toBe(true);
    const missing: Record<string, number> = { ...by_status };
    delete missing.banned;
    const r = BotStats.safeParse({ ...stats, by_status: missing });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['by_status.banned']);
    expect(BotStats.safeParse({ ...stats, by_status: { ...by_status, flying: 1 } }).success).toBe(
      false,
    );
  });
  it('validate settings sections by their own schema', () => {
    expect(
      settingsSections.farm.safeParse({ max_bots_per_vm: 8, default_project: 'wow_tbc' }).success,
    ).toBe(true);
    expect(
      settingsSections.farm.safeParse({ max_bots_per_vm: '8', default_project: 'wow_tbc' }).success,
    ).toBe(false);
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument(endpoints, { version: 'test' }) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        { operationId: string; security: unknown[]; responses: Record<string, unknown> }
      >
    >;
  };
  it('is 3.1 and has one operation per endpoint', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(
      Object.values(endpoints)
        .map((e) => e.operationId)
        .sort(),
    );
  });
  it('marks health public and domain routes bearer-protected with 401/403', () => {
    expect(doc.paths['/api/v1/health/live']!.get!.security).toEqual([]);
    const list = doc.paths['/api/v1/bots']!.get!;
    expect(list.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(list.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403']),
    );
  });
  it('documents bot stats beside the bots, with every status required', () => {
    const stats = doc.paths['/api/v1/bots/stats']!.get! as unknown as {
      operationId: string;
      security: unknown[];
      responses: Record<
        string,
        {
          content?: {
            'application/json': {
              schema: { properties: { by_status: { required: string[] } } };
            };
          };
        }
      >;
    };
    expect(stats.operationId).toBe('botStats');
    expect(stats.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(stats.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    const schema = stats.responses['200']!.content!['application/json'].schema;
    expect([...schema.properties.by_status.required].sort()).toEqual([...BOT_STATUSES].sort());
  });
});
