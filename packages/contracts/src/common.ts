import { z } from 'zod';

/**
 * Record ids. The Supabase implementation hands out UUIDs; the legacy RTDB implementation uses
 * push ids (20 characters of [-_0-9A-Za-z]). Clients treat ids as opaque strings.
 */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[-_0-9A-Za-z]+$/, 'must be an id (letters, digits, - and _)');
export type Id = z.infer<typeof Id>;

/** ISO 8601 timestamp with an offset, millisecond precision, e.g. 2025-01-02T03:04:05.678Z. */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

/** Calendar day, YYYY-MM-DD. */
export const IsoDate = z.iso.date();

/**
 * Money as a decimal string with at most two fraction digits: never a JSON number, so that no
 * amount ever passes through a binary float on its way in or out.
 */
export const Money = z
  .string()
  .regex(/^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/, 'must be a decimal string like "12.50"');
export type Money = z.infer<typeof Money>;

/** Money that must be greater than zero (operation amounts, prices). */
export const PositiveMoney = Money.refine((v) => !v.startsWith('-') && /[1-9]/.test(v), {
  message: 'must be greater than zero',
});

/** ISO 4217 alphabetic currency code. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like "EUR"');
export type Currency = z.infer<typeof Currency>;

/** RFC 9457 problem details, as every error of the API is answered. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  request_id: z.string(),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('one entry per invalid field (400)'),
});
export type Problem = z.infer<typeof Problem>;

/** A page of a list: items in the requested order, and the cursor of the next page if any. */
export function Page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}
export interface PageOf<T> {
  items: T[];
  next_cursor: string | null;
}

/** Query fields every list accepts. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
};

/** Empty body of path-only requests, for documentation. */
export const IdParams = z.strictObject({ id: Id });

/** Strict schema helper: unknown fields are rejected and named. */
export const strict = z.strictObject;

/** A `[from, to)` range check for list queries, reported on the `to` field. */
export function rangeOrdered(from: string | undefined, to: string | undefined): boolean {
  return from === undefined || to === undefined || Date.parse(from) < Date.parse(to);
}
