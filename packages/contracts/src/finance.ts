import { z } from 'zod';
import {
  Currency,
  Id,
  Money,
  Page,
  PositiveMoney,
  Timestamp,
  pageQuery,
  rangeOrdered,
} from './common.ts';
import { ProjectSlug } from './bots.ts';

export const OperationType = z.enum(['income', 'expense']);
export type OperationType = z.infer<typeof OperationType>;
/** Categories are open-ended slugs (gold_sale, proxy, vps, ...). */
export const OperationCategory = z
  .string()
  .regex(/^[a-z0-9_]{1,40}$/, 'must be a slug like "proxy"');

export const Operation = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  type: OperationType,
  category: OperationCategory,
  amount: PositiveMoney.describe('always positive; type says income or expense'),
  currency: Currency,
  occurred_at: Timestamp,
  bot_id: Id.nullable(),
  bot_name: z
    .string()
    .nullable()
    .describe("the bot's current name; null without a bot, or when the bot is gone"),
  comment: z.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Operation = z.infer<typeof Operation>;

export const OperationCreate = z.strictObject({
  type: OperationType,
  category: OperationCategory,
  amount: PositiveMoney,
  currency: Currency,
  occurred_at: Timestamp,
  bot_id: Id.nullable().optional(),
  comment: z.string().max(2000).default(''),
});
export type OperationCreate = z.infer<typeof OperationCreate>;

export const OperationUpdate = z
  .strictObject({
    type: OperationType.optional(),
    category: OperationCategory.optional(),
    amount: PositiveMoney.optional(),
    currency: Currency.optional(),
    occurred_at: Timestamp.optional(),
    bot_id: Id.nullable().optional(),
    comment: z.string().max(2000).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one field is required' });
export type OperationUpdate = z.infer<typeof OperationUpdate>;

const financeFilters = {
  type: OperationType.optional(),
  category: OperationCategory.optional(),
  currency: Currency.optional(),
  bot_id: Id.optional(),
  project: ProjectSlug.optional().describe("operations of this project's bots"),
  from: Timestamp.optional().describe('occurred_at >= this'),
  to: Timestamp.optional().describe('occurred_at < this'),
};

export const OPERATION_SORTS = [
  'occurred_at',
  '-occurred_at',
  'amount',
  '-amount',
  'created_at',
  '-created_at',
] as const;
export const OperationListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(OPERATION_SORTS).default('-occurred_at'),
    ...financeFilters,
  })
  .refine((q) => rangeOrdered(q.from, q.to), { path: ['to'], message: 'must be after from' });
export type OperationListQuery = z.infer<typeof OperationListQuery>;
export const OperationPage = Page(Operation);
export type OperationPage = z.infer<typeof OperationPage>;

export const FinanceSummaryQuery = z
  .strictObject(financeFilters)
  .refine((q) => rangeOrdered(q.from, q.to), { path: ['to'], message: 'must be after from' });
export type FinanceSummaryQuery = z.infer<typeof FinanceSummaryQuery>;

const Totals = {
  income: Money,
  expense: Money,
  net: Money.describe('income - expense'),
  operations: z.number().int().nonnegative(),
};
export const FinanceTotals = z.object({ currency: Currency, ...Totals });
export type FinanceTotals = z.infer<typeof FinanceTotals>;
export const FinanceMonthTotals = z.object({
  currency: Currency,
  month: z.string().regex(/^\d{4}-\d{2}$/),
  ...Totals,
});
export type FinanceMonthTotals = z.infer<typeof FinanceMonthTotals>;
export const FinanceCategoryTotals = z.object({
  currency: Currency,
  category: OperationCategory,
  ...Totals,
});
export type FinanceCategoryTotals = z.infer<typeof FinanceCategoryTotals>;

/** Totals are per currency: amounts of different currencies are never added together. */
export const FinanceSummary = z.object({
  by_currency: z.array(FinanceTotals),
  by_month: z.array(FinanceMonthTotals).describe('UTC calendar months, oldest first'),
  by_category: z.array(FinanceCategoryTotals),
});
export type FinanceSummary = z.infer<typeof FinanceSummary>;
