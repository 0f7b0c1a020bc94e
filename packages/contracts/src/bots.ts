import { z } from 'zod';
import { Id, Page, Timestamp, pageQuery, rangeOrdered } from './common.ts';

export const BOT_STATUSES = ['prepare', 'running', 'idle', 'stopped', 'error', 'banned'] as const;
export const BotStatus = z.enum(BOT_STATUSES);
export type BotStatus = z.infer<typeof BotStatus>;

/** Game projects are open-ended slugs (wow_tbc, lineage2, ...). */
export const ProjectSlug = z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be a slug like "wow_tbc"');

export const BotCharacter = z.strictObject({
  name: z.string().min(1).max(64),
  level: z.number().int().min(0).max(1000).nullable(),
  server: z.string().max(64).nullable(),
  faction: z.string().max(32).nullable(),
});
export type BotCharacter = z.infer<typeof BotCharacter>;

const Tag = z.string().min(1).max(32);

export const Bot = z.object({
  id: Id,
  legacy_id: z.string().nullable().describe('the RTDB push id of a migrated record'),
  name: z.string(),
  status: BotStatus,
  project: ProjectSlug,
  vm_name: z.string().nullable(),
  character: BotCharacter.nullable(),
  tags: z.array(z.string()),
  last_seen_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Bot = z.infer<typeof Bot>;

export const BotCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  status: BotStatus.default('prepare'),
  project: ProjectSlug,
  vm_name: z.string().trim().min(1).max(64).nullable().optional(),
  character: BotCharacter.nullable().optional(),
  tags: z.array(Tag).max(20).default([]),
  last_seen_at: Timestamp.nullable().optional(),
});
export type BotCreate = z.infer<typeof BotCreate>;

export const BotUpdate = BotCreate.partial()
  .extend({ status: BotStatus.optional(), tags: z.array(Tag).max(20).optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one field is required' });
export type BotUpdate = z.infer<typeof BotUpdate>;

export const BOT_SORTS = [
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
  'name',
  '-name',
] as const;
export const BotListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(BOT_SORTS).default('-created_at'),
    status: BotStatus.optional(),
    project: ProjectSlug.optional(),
    tag: Tag.optional(),
    created_from: Timestamp.optional().describe('created_at >= this'),
    created_to: Timestamp.optional().describe('created_at < this'),
  })
  .refine((q) => rangeOrdered(q.created_from, q.created_to), {
    path: ['created_to'],
    message: 'must be after created_from',
  });
export type BotListQuery = z.infer<typeof BotListQuery>;

export const BotPage = Page(Bot);
export type BotPage = z.infer<typeof BotPage>;

const BotCount = z.number().int().nonnegative();

/** A count for every status, zeros included (the keys are always all of BOT_STATUSES). */
export const BotStatusCounts = z.strictObject(
  Object.fromEntries(BOT_STATUSES.map((s) => [s, BotCount])) as Record<BotStatus, typeof BotCount>,
);
export type BotStatusCounts = z.infer<typeof BotStatusCounts>;

/** Counts over every bot, computed by the server (one GROUP BY), never by paging in a client. */
export const BotStats = z.object({
  total: BotCount,
  by_status: BotStatusCounts,
  by_project: z
    .array(z.object({ project: ProjectSlug, total: BotCount, by_status: BotStatusCounts }))
    .describe('projects that have bots, most bots first (then by name)'),
});
export type BotStats = z.infer<typeof BotStats>;
