// Normalisation rules for values of the legacy RTDB export (issue 15). Each rule is pure: a raw
// JSON value in, a value for one Postgres column out, or the reason it cannot be read. Nothing
// is guessed: a value no rule reads becomes a reject (see records.ts for what a reject does to
// its record). All RTDB code lives in src/legacy/rtdb so that phase 6 can delete it whole.
import { isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
export type Rule<T> = (raw: unknown) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });
const show = (raw: unknown): string => JSON.stringify(raw) ?? String(raw);

/** Free text stays byte-exact (Cyrillic, quotes, tabs, newlines); a JSON number becomes its text. */
export function text(options: { min?: number; max?: number } = {}): Rule<string> {
  return (raw) => {
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
    if (value === undefined) return fail(`expected text, got ${show(raw)}`);
    const length = [...value].length;
    if (options.min !== undefined && length < options.min)
      return fail(`must be at least ${options.min} character(s)`);
    if (options.max !== undefined && length > options.max)
      return fail(`must be at most ${options.max} characters`);
    return ok(value);
  };
}

/** An integer as a JSON number or a string of digits ("8080"), within [min, max]. */
export function integer(
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): Rule<number> {
  return (raw) => {
    let n: number | undefined;
    if (typeof raw === 'number') n = raw;
    else if (typeof raw === 'string' && /^[+-]?\d{1,16}$/.test(raw.trim())) n = Number(raw.trim());
    if (n === undefined || !Number.isSafeInteger(n)) return fail(`not an integer: ${show(raw)}`);
    if (n < min || n > max) return fail(`${n} is outside ${min}..${max}`);
    return ok(n);
  };
}

/** true/false, or the strings "true"/"false" (any case) that an old client wrote. */
export const boolean: Rule<boolean> = (raw) => {
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (v === 'true') return ok(true);
    if (v === 'false') return ok(false);
  }
  return fail(`not a boolean: ${show(raw)}`);
};

const DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * An exact decimal at `scale` fraction digits (the column's scale), from a JSON number or a
 * numeric string, without passing through binary float arithmetic: the number's shortest text
 * (what JSON.stringify wrote) is read as decimal digits. Digits beyond the scale are float noise
 * (136.36999999999998 is 136.37) only when rounding moves the value by less than 1e-6 of a unit;
 * anything else ("12.505") would lose money and is refused. "n/a" and the like are refused.
 */
export function decimal(scale = 2): Rule<string> {
  return (raw) => {
    if (typeof raw === 'number' && !Number.isFinite(raw)) return fail(`not a number: ${raw}`);
    const source =
      typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    const m = DECIMAL_RE.exec(source);
    if (!m) return fail(`not a decimal number: ${show(raw)}`);
    const [, sign, whole, frac = '', exp = '0'] = m;
    // digits * 10^-shift, exactly
    let digits = BigInt(whole! + frac);
    let shift = frac.length - Number(exp);
    if (shift < 0) {
      digits *= 10n ** BigInt(-shift);
      shift = 0;
    }
    let scaled: bigint; // in units of 10^-scale
    if (shift > scale) {
      const divisor = 10n ** BigInt(shift - scale);
      const rounded = (digits + divisor / 2n) / divisor; // half up, on the absolute value
      const error = rounded * divisor - digits;
      const abs = error < 0n ? -error : error;
      // |error| / 10^shift < 1e-6 * 10^-scale  <=>  |error| * 10^(6+scale) < 10^shift
      if (abs * 10n ** BigInt(6 + scale) >= 10n ** BigInt(shift))
        return fail(`${source} has more than ${scale} fraction digits`);
      scaled = rounded;
    } else {
      scaled = digits * 10n ** BigInt(scale - shift);
    }
    const signed = sign === '-' ? -scaled : scaled;
    const s = (signed < 0n ? -signed : signed).toString().padStart(scale + 1, '0');
    return ok(`${signed < 0n ? '-' : ''}${s.slice(0, -scale)}.${s.slice(-scale)}`);
  };
}

/** A decimal that must be greater than zero (amounts, prices: the columns check > 0). */
export function positiveDecimal(scale = 2): Rule<string> {
  const parse = decimal(scale);
  return (raw) => {
    const r = parse(raw);
    if (r.ok && (r.value.startsWith('-') || !/[1-9]/.test(r.value)))
      return fail(`must be greater than zero: ${show(raw)}`);
    return r;
  };
}

// Epoch values below this are seconds, above it milliseconds: 1e11 s is the year 5138, 1e11 ms
// is March 1973, so the two ranges that occur in practice never overlap.
const SECONDS_BELOW = 1e11;
const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function epochMs(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^\d{1,16}$/.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

/**
 * A point in time, as ISO text with milliseconds in UTC. Accepted: epoch milliseconds or epoch
 * seconds (number or digit string; see SECONDS_BELOW), ISO 8601 with an offset (Z or +hh:mm; a
 * local time without offset is ambiguous and refused), and a calendar date YYYY-MM-DD, taken as
 * midnight UTC. Outside 1970..2200 is refused as a unit mistake.
 */
export const timestamp: Rule<string> = (raw) => {
  let ms: number | undefined;
  const epoch = epochMs(raw);
  if (epoch !== undefined) {
    ms = epoch < SECONDS_BELOW ? epoch * 1000 : epoch;
  } else if (typeof raw === 'string') {
    const s = raw.trim();
    const iso = ISO_RE.exec(s);
    const day = DATE_RE.exec(s);
    if (iso) {
      if (!validDay(Number(iso[1]), Number(iso[2]), Number(iso[3])) || Number(iso[4]) > 23)
        return fail(`not a valid time: ${show(raw)}`);
      ms = Date.parse(s);
    } else if (day) {
      if (!validDay(Number(day[1]), Number(day[2]), Number(day[3])))
        return fail(`not a valid date: ${show(raw)}`);
      ms = Date.parse(`${s}T00:00:00.000Z`);
    }
  }
  if (ms === undefined || Number.isNaN(ms)) return fail(`not a time: ${show(raw)}`);
  if (ms < MIN_MS || ms >= MAX_MS) return fail(`time out of range (1970..2200): ${show(raw)}`);
  return ok(new Date(ms).toISOString());
};

/** A calendar day YYYY-MM-DD; a time (epoch or ISO) gives its UTC day. */
export const calendarDate: Rule<string> = (raw) => {
  if (typeof raw === 'string') {
    const day = DATE_RE.exec(raw.trim());
    if (day)
      return validDay(Number(day[1]), Number(day[2]), Number(day[3]))
        ? ok(raw.trim())
        : fail(`not a valid date: ${show(raw)}`);
  }
  const t = timestamp(raw);
  return t.ok ? ok(t.value.slice(0, 10)) : fail(`not a date: ${show(raw)}`);
};

/**
 * A list: a JSON array, or the object with numeric keys RTDB turns a sparse array into
 * ({"0": "eu", "1": "farm"}), in the order of its keys as numbers.
 */
export const list: Rule<unknown[]> = (raw) => {
  if (Array.isArray(raw)) return ok(raw.filter((v) => v !== null)); // RTDB holes come back null
  if (raw !== null && typeof raw === 'object') {
    const entries = Object.entries(raw);
    if (!entries.every(([k]) => /^\d+$/.test(k)))
      return fail(`not a list (an object with non-numeric keys): ${show(raw)}`);
    return ok(entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v));
  }
  return fail(`not a list: ${show(raw)}`);
};

/** A list of text items (tags). */
export function textList(item: Rule<string>): Rule<string[]> {
  return (raw) => {
    const l = list(raw);
    if (!l.ok) return l;
    const out: string[] = [];
    for (const v of l.value) {
      const t = item(v);
      if (!t.ok) return fail(`item ${show(v)}: ${t.reason}`);
      out.push(t.value);
    }
    return ok(out);
  };
}

/** A set of keys as RTDB stores it ({"<key>": true}), or a list of keys; false members are out. */
export const keySet: Rule<string[]> = (raw) => {
  if (Array.isArray(raw) || (raw !== null && typeof raw === 'object' && '0' in raw)) {
    return textList(text({ min: 1 }))(raw);
  }
  if (raw !== null && typeof raw === 'object') {
    const keys: string[] = [];
    for (const [k, v] of Object.entries(raw)) {
      const member = boolean(v);
      if (!member.ok) return fail(`member ${k}: ${member.reason}`);
      if (member.value) keys.push(k);
    }
    return ok(keys);
  }
  return fail(`not a set of keys: ${show(raw)}`);
};

/** An RTDB key naming another record (botId). Whether that record exists is the schema's rule. */
export const reference: Rule<string> = (raw) =>
  typeof raw === 'string' && /^[^./#$[\]]{1,768}$/.test(raw)
    ? ok(raw)
    : fail(`not an RTDB key: ${show(raw)}`);

/**
 * One of `values`, after trimming and lower-casing (an old UI wrote "Running"); `aliases` maps
 * legacy spellings (license type "sin" is "single").
 */
export function enumValue<T extends string>(
  values: readonly T[],
  aliases: Record<string, T> = {},
): Rule<T> {
  return (raw) => {
    if (typeof raw !== 'string')
      return fail(`expected one of ${values.join(', ')}, got ${show(raw)}`);
    const v = raw.trim().toLowerCase();
    const value = (values as readonly string[]).includes(v) ? (v as T) : aliases[v];
    return value ? ok(value) : fail(`expected one of ${values.join(', ')}, got ${show(raw)}`);
  };
}

/** A lower-case slug (project, category): the columns check ^[a-z0-9_]{1,40}$. */
export const slug: Rule<string> = (raw) => {
  const v = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return /^[a-z0-9_]{1,40}$/.test(v) ? ok(v) : fail(`not a slug like "wow_tbc": ${show(raw)}`);
};

/** An upper-case code of `length` letters (ISO 4217 currency: 3, ISO 3166 country: 2). */
export function code(length: number): Rule<string> {
  const re = new RegExp(`^[A-Z]{${length}}$`);
  return (raw) => {
    const v = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    return re.test(v) ? ok(v) : fail(`not a ${length}-letter code: ${show(raw)}`);
  };
}

/** An IPv4 or IPv6 address. */
export const ipAddress: Rule<string> = (raw) =>
  typeof raw === 'string' && isIP(raw.trim())
    ? ok(raw.trim())
    : fail(`not an IP address: ${show(raw)}`);
