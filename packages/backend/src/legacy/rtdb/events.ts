// Live events in RTDB mode: the LiveEvents that Postgres triggers send on supabase
// (supabase/migrations/*_live_events.sql), made here from the RTDB's own child events. The SDK
// delivers those to every client connected to the database, so each replica's WebSocket clients
// get every change, whoever made it, as NOTIFY does for Postgres. Artifacts stay on Postgres in
// both modes: their events still come from there.
//
// Records are read through the import's rules (mapRecord), as the repositories serve them: a
// record the import rejects is not in the API, so it sends no event either.
import type { DataSnapshot, Database } from 'firebase-admin/database';
import type { BotStatus, LiveEvent } from '@bot-mox/contracts';
import { DOMAIN_PATHS, mapRecord } from './records.ts';

interface BotFields {
  status: BotStatus;
  name: string;
  project: string;
}

const botOf = (s: DataSnapshot): BotFields | null => {
  const { row } = mapRecord('bots', s.key!, s.val());
  return row
    ? { status: row.status as BotStatus, name: row.name as string, project: row.project as string }
    : null;
};

const now = () => new Date().toISOString();

/**
 * Follows bots and finance operations until the returned function is called. The child_added
 * calls for what a node already holds come first and are not news: they only fill the bots'
 * state, until the node's first value (which the SDK raises after them) says they are over.
 */
export function watchRtdbEvents(
  database: Database,
  emit: (event: LiveEvent) => void,
): { stop: () => void; loaded: Promise<void> } {
  const bots = new Map<string, BotFields>();
  let botsLoaded = false;
  let operationsLoaded = false;
  const botsRef = database.ref(DOMAIN_PATHS.bots);
  const operationsRef = database.ref(DOMAIN_PATHS.finance_operations);

  const botEvent = (
    op: 'insert' | 'update' | 'delete',
    id: string,
    status: BotStatus | null,
    previous: BotStatus | null,
  ) => emit({ type: 'bot.changed', op, id, status, previous_status: previous, at: now() });

  const onBotAdded = (s: DataSnapshot) => {
    const bot = botOf(s);
    if (!bot) return;
    bots.set(s.key!, bot);
    if (botsLoaded) botEvent('insert', s.key!, bot.status, null);
  };
  const onBotChanged = (s: DataSnapshot) => {
    const before = bots.get(s.key!);
    const after = botOf(s);
    if (after) bots.set(s.key!, after);
    else bots.delete(s.key!);
    if (!botsLoaded) return;
    // As the trigger: an update that leaves status, name and project alone is no event.
    if (before && after) {
      if (
        before.status !== after.status ||
        before.name !== after.name ||
        before.project !== after.project
      )
        botEvent('update', s.key!, after.status, before.status);
    } else if (after) botEvent('insert', s.key!, after.status, null);
    else if (before) botEvent('delete', s.key!, null, before.status);
  };
  const onBotRemoved = (s: DataSnapshot) => {
    const before = bots.get(s.key!);
    bots.delete(s.key!);
    if (botsLoaded && before) botEvent('delete', s.key!, null, before.status);
  };
  const onOperationAdded = (s: DataSnapshot) => {
    if (!operationsLoaded) return;
    const { row } = mapRecord('finance_operations', s.key!, s.val());
    if (!row) return;
    const botKey = row.legacy_bot_id as string | null;
    emit({
      type: 'finance.operation_created',
      id: s.key!,
      operation_type: row.type as 'income' | 'expense',
      amount: String(row.amount),
      currency: row.currency as string,
      // A reference to a bot the import would not find is null, as the repositories serve it.
      bot_id: botKey && bots.has(botKey) ? botKey : null,
      at: now(),
    });
  };

  botsRef.on('child_added', onBotAdded);
  botsRef.on('child_changed', onBotChanged);
  botsRef.on('child_removed', onBotRemoved);
  operationsRef.on('child_added', onOperationAdded);
  // once('value') rather than get(): the stand-in serves only the former (DESIGN §4).
  // A failed read leaves that node's events off; the API itself does not depend on them.
  const loaded = Promise.all([
    botsRef.once('value').then(
      () => void (botsLoaded = true),
      () => {},
    ),
    operationsRef.once('value').then(
      () => void (operationsLoaded = true),
      () => {},
    ),
  ]).then(() => {});

  const stop = () => {
    botsRef.off('child_added', onBotAdded);
    botsRef.off('child_changed', onBotChanged);
    botsRef.off('child_removed', onBotRemoved);
    operationsRef.off('child_added', onOperationAdded);
  };
  return { stop, loaded };
}
