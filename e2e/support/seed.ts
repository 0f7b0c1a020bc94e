// The known data the specs rely on, written through the public API (/api/v1) with a
// service_role token. The reset first removes what earlier runs (or a person) left, so that
// the dashboard's numbers are exactly the seed's.
import { endpoints } from '@bot-mox/contracts';
import type { Bot, BotStatus } from '@bot-mox/contracts';
import type { ApiClient } from '@bot-mox/contracts/client';

/** What the dashboard must show (written to .cache/e2e/seed.json for the specs). */
export interface SeedFacts {
  botsByStatus: Record<string, number>;
  botsTotal: number;
  /** This UTC month, per currency: income and expense as the UI formats them. */
  month: Record<string, { income: string; expense: string; operations: number }>;
  /** All time (the finance page without filters), USD, as the UI formats it. */
  allTimeUsd: { income: string; expense: string; net: string; operations: number };
  expiring: string[];
  tasksDue: string[];
  seededAt: string;
}

/** Emptied in this order: the bots last, since the others may refer to bots. */
const COLLECTIONS = [
  { list: endpoints.listOperations, remove: endpoints.deleteOperations },
  { list: endpoints.listLicenses, remove: endpoints.deleteLicenses },
  { list: endpoints.listProxies, remove: endpoints.deleteProxies },
  { list: endpoints.listSubscriptions, remove: endpoints.deleteSubscriptions },
  { list: endpoints.listTasks, remove: endpoints.deleteTasks },
  { list: endpoints.listBots, remove: endpoints.deleteBots },
] as const;

async function removeAll(api: ApiClient, { list, remove }: (typeof COLLECTIONS)[number]) {
  for (let round = 0; round < 100; round += 1) {
    const page = await api.call(list, { query: { limit: 200 } });
    if (page.items.length === 0) return;
    for (const item of page.items) await api.call(remove, { params: { id: item.id } });
  }
  throw new Error(`reset: ${list.path} still has items after 100 rounds`);
}

export async function resetAndSeed(api: ApiClient): Promise<SeedFacts> {
  for (const collection of COLLECTIONS) await removeAll(api, collection);

  const now = Date.now();
  const inDays = (d: number) => new Date(now + d * 86_400_000).toISOString();
  const monthStart = new Date(
    Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1),
  );
  // A minute ago, but never before this month began (the dashboard shows the UTC month).
  const thisMonth = new Date(Math.max(now - 60_000, monthStart.getTime())).toISOString();
  const lastMonth = new Date(monthStart.getTime() - 86_400_000).toISOString();

  const bots: [string, BotStatus][] = [
    ['e2e-seed-runner-1', 'running'],
    ['e2e-seed-runner-2', 'running'],
    ['e2e-seed-runner-3', 'running'],
    ['e2e-seed-idle-1', 'idle'],
    ['e2e-seed-idle-2', 'idle'],
    ['e2e-seed-stopped-1', 'stopped'],
    ['e2e-seed-error-1', 'error'],
  ];
  const created: Bot[] = [];
  for (const [name, status] of bots) {
    created.push(
      await api.call(endpoints.createBots, {
        body: {
          name,
          status,
          project: 'wow_tbc',
          vm_name: `vm-${name}`,
          tags: ['e2e', 'seed'],
          character: {
            name: `Char${created.length + 1}`,
            level: 60,
            server: 'Gehennas',
            faction: 'Horde',
          },
        },
      }),
    );
  }

  const op = (
    type: 'income' | 'expense',
    category: string,
    amount: string,
    currency: string,
    occurred_at: string,
  ) =>
    api.call(endpoints.createOperations, {
      body: {
        type,
        category,
        amount,
        currency,
        occurred_at,
        bot_id: created[0]!.id,
        comment: 'e2e seed',
      },
    });
  await op('income', 'gold_sale', '1250.50', 'USD', thisMonth);
  await op('income', 'gold_sale', '300.00', 'USD', thisMonth);
  await op('expense', 'proxy', '89.90', 'USD', thisMonth);
  await op('expense', 'vps', '10.10', 'USD', thisMonth);
  await op('income', 'gold_sale', '42.00', 'EUR', thisMonth);
  // Last month: must not count on the dashboard's "this month" panel.
  await op('income', 'gold_sale', '999.99', 'USD', lastMonth);

  await api.call(endpoints.createLicenses, {
    body: {
      key: 'E2E-LIC-0001',
      type: 'single',
      expires_at: inDays(3),
      bot_ids: [created[0]!.id],
    },
  });
  await api.call(endpoints.createLicenses, {
    body: {
      key: 'E2E-LIC-LATER',
      type: 'multi',
      expires_at: inDays(40),
    },
  });
  await api.call(endpoints.createProxies, {
    body: {
      ip: '203.0.113.10',
      port: 3128,
      provider: 'e2e-proxies',
      expires_at: inDays(2),
    },
  });
  await api.call(endpoints.createSubscriptions, {
    body: {
      name: 'E2E VPS plan',
      type: 'service',
      price: '12.00',
      currency: 'USD',
      renews_at: inDays(5),
    },
  });
  await api.call(endpoints.createTasks, {
    body: {
      title: 'E2E renew the proxies',
      status: 'todo',
      due_at: inDays(2),
    },
  });
  await api.call(endpoints.createTasks, {
    body: {
      title: 'E2E finished task',
      status: 'done',
      due_at: inDays(1),
    },
  });

  const botsByStatus: Record<string, number> = {};
  for (const [, status] of bots) botsByStatus[status] = (botsByStatus[status] ?? 0) + 1;
  return {
    botsByStatus,
    botsTotal: bots.length,
    month: {
      USD: { income: '1\u202f550.50 USD', expense: '100.00 USD', operations: 4 },
      EUR: { income: '42.00 EUR', expense: '0.00 EUR', operations: 1 },
    },
    allTimeUsd: {
      income: '2\u202f550.49 USD',
      expense: '100.00 USD',
      net: '2\u202f450.49 USD',
      operations: 5,
    },
    expiring: ['203.0.113.10:3128', 'E2E-LIC-0001', 'E2E VPS plan'],
    tasksDue: ['E2E renew the proxies'],
    seededAt: new Date(now).toISOString(),
  };
}
