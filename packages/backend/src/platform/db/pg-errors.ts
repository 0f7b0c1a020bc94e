// What a pg/Kysely error means for the API, without looking at anything a client may not see.
import { NETWORK_ERROR_CODES } from '../network-errors.ts';

export type DbErrorKind = 'unavailable' | 'unique' | 'foreign_key' | 'check' | 'invalid_value';
export interface DbErrorClass {
  kind: DbErrorKind;
  fields: string[];
}

// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  constraint?: unknown;
  column?: unknown;
}

/** Field names from a pg detail like `Key (ip, port)=(1.2.3.4, 80) already exists.` */
function keyFields(detail: unknown): string[] {
  if (typeof detail !== 'string') return [];
  const m = /^Key \(([^)]+)\)=/.exec(detail);
  return m ? m[1]!.split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [];
}

/** `proxies_bot_id_fkey` -> bot_id; `bots_status_check` -> status (best effort). */
function constraintField(constraint: unknown, table?: string): string[] {
  if (typeof constraint !== 'string') return [];
  let name = constraint.replace(/_(fkey|check|key|pkey)$/, '');
  if (table && name.startsWith(`${table}_`)) name = name.slice(table.length + 1);
  else name = name.replace(/^[a-z]+_/, '');
  return name ? [name] : [];
}

export function classifyDbError(err: unknown): DbErrorClass | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as PgLikeError & { table?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    (code &&
      (NETWORK_ERROR_CODES.has(code) ||
        UNAVAILABLE_SQLSTATES.has(code) ||
        code.startsWith('08'))) ||
    /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return { kind: 'unavailable', fields: [] };
  }
  const table = typeof e.table === 'string' ? e.table : undefined;
  switch (code) {
    case '23505':
      return { kind: 'unique', fields: keyFields(e.detail) };
    case '23503': {
      const fields = keyFields(e.detail);
      return {
        kind: 'foreign_key',
        fields: fields.length ? fields : constraintField(e.constraint, table),
      };
    }
    case '23514':
      return { kind: 'check', fields: constraintField(e.constraint, table) };
    case '23502':
      return { kind: 'check', fields: typeof e.column === 'string' ? [e.column] : [] };
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return { kind: 'invalid_value', fields: [] };
    default:
      return undefined;
  }
}
