// How each RTDB record becomes a row: per domain, which legacy field feeds which column through
// which rule (rules.ts). The same three rules everywhere, mirroring the schema:
// * absent (or null): the column's default if it has one, NULL if it is nullable, else the record
//   is skipped ('missing');
// * unreadable: NULL if the column is nullable (a 'field_null' reject), else the record is
//   skipped (a 'record_skipped' reject): never a zero, never a guess;
// * a field with no column: dropped and reported ('field_dropped'), never silently.
// References to bots are resolved in SQL (migrate.ts) by the dangling-reference rule the schema
// states: legacy_bot_id keeps the key, bot_id is NULL when no bot has it.
import { settingsSections, type SettingsSectionName } from '@bot-mox/contracts';
import {
  boolean,
  calendarDate,
  code,
  enumValue,
  integer,
  ipAddress,
  keySet,
  positiveDecimal,
  reference,
  slug,
  text,
  textList,
  timestamp,
  type Parsed,
  type Rule,
} from './rules.ts';

export type Domain =
  | 'bots'
  | 'licenses'
  | 'proxies'
  | 'subscriptions'
  | 'notes'
  | 'tasks'
  | 'calendar_events'
  | 'finance_operations'
  | 'settings';

/** Where each domain's records live in the export, in the order the import writes them. */
export const DOMAIN_PATHS: Record<Domain, string> = {
  bots: 'bots',
  licenses: 'resources/licenses',
  proxies: 'resources/proxies',
  subscriptions: 'resources/subscriptions',
  notes: 'workspace/notes',
  tasks: 'workspace/tasks',
  calendar_events: 'workspace/calendar',
  finance_operations: 'finance/operations',
  settings: 'settings',
};
export const DOMAINS = Object.keys(DOMAIN_PATHS) as Domain[];

export type RejectKind =
  'unparseable' | 'missing' | 'unknown_field' | 'not_an_object' | 'duplicate_key' | 'conflict';
export type RejectOutcome = 'record_skipped' | 'field_null' | 'field_dropped';

export interface Reject {
  /** RTDB path of the record, e.g. finance/operations/-NKpW... */
  path: string;
  /** The field ('' for the record itself); nested fields dotted (character.level). */
  field: string;
  kind: RejectKind;
  outcome: RejectOutcome;
  /** The value as exported; undefined when absent. */
  raw: unknown;
  reason: string;
}

export type Row = Record<string, unknown>;

export interface Mapped {
  /** null: the record is not imported (its rejects say why). */
  row: Row | null;
  rejects: Reject[];
}

export interface Field {
  /** The column (or the recordset column migrate.ts resolves, e.g. legacy_bot_id). */
  column: string;
  rule: Rule<unknown>;
  /** NOT NULL without a default: absent or unreadable skips the record. */
  required?: boolean;
  /** Used when the field is absent (the column's default). */
  absent?: unknown;
}

const BOT_STATUSES = ['prepare', 'running', 'idle', 'stopped', 'error', 'banned'] as const;

/** The game character: an object kept as jsonb, with its level read as an integer. */
const characterFields: Record<string, Field> = {
  name: { column: 'name', rule: text({ min: 1, max: 64 }), required: true },
  level: { column: 'level', rule: integer(0, 1000) },
  server: { column: 'server', rule: text({ max: 64 }) },
  faction: { column: 'faction', rule: text({ max: 32 }) },
};

// createdAt / updatedAt: `absent: null` means the legacy record has no such time; migrate.ts
// then gives a new row now() and keeps an existing row's value. The legacy UI wrote them for
// bots, notes and tasks (createdAt) only; the RTDB repositories write both on every record, so
// that what the API creates in RTDB mode keeps its times through the migration.
const stamps: Record<'createdAt' | 'updatedAt', Field> = {
  createdAt: { column: 'created_at', rule: timestamp, required: true, absent: null },
  updatedAt: { column: 'updated_at', rule: timestamp, required: true, absent: null },
};

export const DOMAIN_FIELDS: Record<Exclude<Domain, 'settings'>, Record<string, Field>> = {
  bots: {
    name: { column: 'name', rule: text({ min: 1, max: 100 }), required: true },
    status: { column: 'status', rule: enumValue(BOT_STATUSES), required: true, absent: 'prepare' },
    project: { column: 'project', rule: slug, required: true },
    vmName: { column: 'vm_name', rule: text({ min: 1, max: 64 }) },
    character: { column: 'character', rule: nested('character', characterFields) },
    tags: {
      column: 'tags',
      rule: textList(text({ min: 1, max: 32 })),
      required: true,
      absent: [],
    },
    lastSeen: { column: 'last_seen_at', rule: timestamp },
    ...stamps,
  },
  licenses: {
    key: { column: 'key', rule: text({ min: 1, max: 128 }), required: true },
    // 'sin' is an old UI's abbreviation of 'single' (the schema says so too).
    type: {
      column: 'type',
      rule: enumValue(['trial', 'single', 'multi'] as const, { sin: 'single' }),
      required: true,
    },
    status: {
      column: 'status',
      rule: enumValue(['active', 'expired', 'revoked'] as const),
      required: true,
      absent: 'active',
    },
    expiresAt: { column: 'expires_at', rule: timestamp },
    botIds: { column: 'bot_legacy_ids', rule: keySet, required: true, absent: [] },
    ...stamps,
  },
  proxies: {
    ip: { column: 'ip', rule: ipAddress, required: true },
    port: { column: 'port', rule: integer(1, 65535), required: true },
    login: { column: 'login', rule: text({ max: 128 }) },
    password: { column: 'password', rule: text({ max: 256 }) },
    provider: { column: 'provider', rule: text({ min: 1, max: 64 }), required: true },
    country: { column: 'country', rule: code(2) },
    status: {
      column: 'status',
      rule: enumValue(['active', 'expired', 'banned'] as const),
      required: true,
      absent: 'active',
    },
    expiresAt: { column: 'expires_at', rule: timestamp },
    botId: { column: 'legacy_bot_id', rule: reference },
    ...stamps,
  },
  subscriptions: {
    name: { column: 'name', rule: text({ min: 1, max: 100 }), required: true },
    type: { column: 'type', rule: enumValue(['service', 'game'] as const), required: true },
    price: { column: 'price', rule: positiveDecimal(2), required: true },
    currency: { column: 'currency', rule: code(3), required: true },
    renewsAt: { column: 'renews_at', rule: timestamp },
    botId: { column: 'legacy_bot_id', rule: reference },
    ...stamps,
  },
  notes: {
    title: { column: 'title', rule: text({ min: 1, max: 200 }), required: true },
    content: { column: 'content', rule: text(), required: true, absent: '' },
    pinned: { column: 'pinned', rule: boolean, required: true, absent: false },
    ...stamps,
  },
  tasks: {
    title: { column: 'title', rule: text({ min: 1, max: 200 }), required: true },
    status: {
      column: 'status',
      rule: enumValue(['todo', 'in_progress', 'done'] as const),
      required: true,
      absent: 'todo',
    },
    dueAt: { column: 'due_at', rule: timestamp },
    botId: { column: 'legacy_bot_id', rule: reference },
    ...stamps,
  },
  calendar_events: {
    title: { column: 'title', rule: text({ min: 1, max: 200 }), required: true },
    date: { column: 'date', rule: calendarDate, required: true },
    note: { column: 'note', rule: text(), required: true, absent: '' },
    ...stamps,
  },
  finance_operations: {
    type: { column: 'type', rule: enumValue(['income', 'expense'] as const), required: true },
    category: { column: 'category', rule: slug, required: true },
    amount: { column: 'amount', rule: positiveDecimal(2), required: true },
    currency: { column: 'currency', rule: code(3), required: true },
    date: { column: 'occurred_at', rule: timestamp, required: true },
    botId: { column: 'legacy_bot_id', rule: reference },
    comment: { column: 'comment', rule: text({ max: 2000 }), required: true, absent: '' },
    ...stamps,
  },
};

/** Settings sections: camelCase legacy keys, values then checked by the API's own schema. */
export const SETTINGS_FIELDS: Record<SettingsSectionName, Record<string, Field>> = {
  general: {
    currency: { column: 'currency', rule: code(3), required: true },
    timezone: { column: 'timezone', rule: text({ min: 1, max: 64 }), required: true },
    language: { column: 'language', rule: text({ min: 2, max: 5 }), required: true },
  },
  alerts: {
    enabled: { column: 'enabled', rule: boolean, required: true },
    // A chat id is text even when an old client stored it as a number.
    telegramChatId: { column: 'telegram_chat_id', rule: text({ min: 1, max: 21 }) },
    offlineMinutes: { column: 'offline_minutes', rule: integer(1, 10_080), required: true },
  },
  farm: {
    maxBotsPerVm: { column: 'max_bots_per_vm', rule: integer(1, 1000), required: true },
    defaultProject: { column: 'default_project', rule: slug, required: true },
  },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Applies `fields` to `record`: the row (null if a required value is missing or unreadable) and
 * the rejects. `prefix` names nested fields (character.level).
 */
function applyFields(
  path: string,
  record: Record<string, unknown>,
  fields: Record<string, Field>,
  prefix = '',
): Mapped {
  const row: Row = {};
  const rejects: Reject[] = [];
  let skipped = false;
  for (const [name, field] of Object.entries(fields)) {
    const raw = record[name];
    const at = prefix + name;
    if (raw === undefined || raw === null) {
      if (field.absent !== undefined) row[field.column] = field.absent;
      else if (!field.required) row[field.column] = null;
      else {
        skipped = true;
        rejects.push({
          path,
          field: at,
          kind: 'missing',
          outcome: 'record_skipped',
          raw,
          reason: `${at} is required and absent; record not imported`,
        });
      }
      continue;
    }
    const parsed = field.rule(raw);
    if (parsed.ok) {
      row[field.column] = parsed.value;
      continue;
    }
    if (field.required) skipped = true;
    else row[field.column] = null;
    rejects.push({
      path,
      field: at,
      kind: 'unparseable',
      outcome: field.required ? 'record_skipped' : 'field_null',
      raw,
      reason: `${parsed.reason}; ${field.required ? 'record not imported' : 'imported as NULL'}`,
    });
  }
  for (const [name, raw] of Object.entries(record)) {
    if (name in fields) continue;
    rejects.push({
      path,
      field: prefix + name,
      kind: 'unknown_field',
      outcome: 'field_dropped',
      raw,
      reason: `no column for ${prefix + name}; not imported`,
    });
  }
  return { row: skipped ? null : row, rejects };
}

/**
 * A nested object (bot character) as one jsonb column. Its own rejects cannot travel through a
 * Rule, so mapRecord re-runs applyFields on it to report them (see nestedRejects).
 */
function nested(name: string, fields: Record<string, Field>): Rule<unknown> {
  return (raw): Parsed<unknown> => {
    if (!isObject(raw)) return { ok: false, reason: `${name} is not an object` };
    const m = applyFields('', raw, fields);
    return m.row ? { ok: true, value: m.row } : { ok: false, reason: m.rejects[0]!.reason };
  };
}

const NESTED: Partial<Record<Domain, Record<string, Record<string, Field>>>> = {
  bots: { character: characterFields },
};

/** Maps one record of `domain` (key `key`, raw value `value`) to a row and its rejects. */
export function mapRecord(domain: Domain, key: string, value: unknown): Mapped {
  const path = `${DOMAIN_PATHS[domain]}/${key}`;
  if (!isObject(value)) {
    return {
      row: null,
      rejects: [
        {
          path,
          field: '',
          kind: 'not_an_object',
          outcome: 'record_skipped',
          raw: value,
          reason: 'the record is not an object; not imported',
        },
      ],
    };
  }
  if (domain === 'settings') return mapSettings(path, key, value);
  const mapped = applyFields(path, value, DOMAIN_FIELDS[domain]);
  // Rejects inside nested objects that were imported (character.level unreadable -> NULL).
  for (const [field, fields] of Object.entries(NESTED[domain] ?? {})) {
    const inner = value[field];
    if (isObject(inner)) {
      const m = applyFields(path, inner, fields, `${field}.`);
      if (m.row) mapped.rejects.push(...m.rejects);
    }
  }
  if (mapped.row) mapped.row.legacy_id = key;
  return mapped;
}

function mapSettings(path: string, section: string, value: Record<string, unknown>): Mapped {
  if (!(section in SETTINGS_FIELDS)) {
    return {
      row: null,
      rejects: [
        {
          path,
          field: '',
          kind: 'unknown_field',
          outcome: 'record_skipped',
          raw: value,
          reason: `no settings section ${section} in this version; not imported`,
        },
      ],
    };
  }
  const name = section as SettingsSectionName;
  const mapped = applyFields(path, value, SETTINGS_FIELDS[name]);
  if (!mapped.row) return mapped;
  // The API serves settings through these schemas: a section they refuse is not imported.
  const checked = settingsSections[name].safeParse(mapped.row);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const column = String(issue.path[0] ?? '');
    const legacy = Object.entries(SETTINGS_FIELDS[name]).find(([, f]) => f.column === column)?.[0];
    mapped.rejects.push({
      path,
      field: legacy ?? column,
      kind: 'unparseable',
      outcome: 'record_skipped',
      raw: legacy ? value[legacy] : value,
      reason: `${issue.message}; section not imported`,
    });
    return { row: null, rejects: mapped.rejects };
  }
  return {
    row: { section: name, legacy_id: name, data: checked.data },
    rejects: mapped.rejects,
  };
}
