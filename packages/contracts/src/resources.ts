import { z } from 'zod';
import { Currency, Id, Page, PositiveMoney, Timestamp, pageQuery, rangeOrdered } from './common.ts';

// ---- licenses ---------------------------------------------------------------------------------
export const LicenseType = z.enum(['trial', 'single', 'multi']);
export const LicenseStatus = z.enum(['active', 'expired', 'revoked']);

export const License = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  key: z.string(),
  type: LicenseType,
  status: LicenseStatus,
  expires_at: Timestamp.nullable(),
  bot_ids: z.array(Id).describe('bots this license is bound to'),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type License = z.infer<typeof License>;

export const LicenseCreate = z.strictObject({
  key: z.string().trim().min(1).max(128),
  type: LicenseType,
  status: LicenseStatus.default('active'),
  expires_at: Timestamp.nullable().optional(),
  bot_ids: z.array(Id).max(500).default([]),
});
export type LicenseCreate = z.infer<typeof LicenseCreate>;

export const LicenseUpdate = LicenseCreate.partial()
  .extend({ status: LicenseStatus.optional(), bot_ids: z.array(Id).max(500).optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one field is required' });
export type LicenseUpdate = z.infer<typeof LicenseUpdate>;

export const LICENSE_SORTS = ['created_at', '-created_at', 'expires_at', '-expires_at'] as const;
export const LicenseListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(LICENSE_SORTS).default('-created_at'),
    status: LicenseStatus.optional(),
    type: LicenseType.optional(),
    bot_id: Id.optional(),
    expires_from: Timestamp.optional(),
    expires_to: Timestamp.optional(),
  })
  .refine((q) => rangeOrdered(q.expires_from, q.expires_to), {
    path: ['expires_to'],
    message: 'must be after expires_from',
  });
export type LicenseListQuery = z.infer<typeof LicenseListQuery>;
export const LicensePage = Page(License);
export type LicensePage = z.infer<typeof LicensePage>;

// ---- proxies ----------------------------------------------------------------------------------
export const ProxyStatus = z.enum(['active', 'expired', 'banned']);

export const Proxy = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  ip: z.string(),
  port: z.number().int(),
  login: z.string().nullable(),
  password: z.string().nullable(),
  provider: z.string(),
  country: z.string().nullable(),
  status: ProxyStatus,
  expires_at: Timestamp.nullable(),
  bot_id: Id.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Proxy = z.infer<typeof Proxy>;

export const ProxyCreate = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
  login: z.string().max(128).nullable().optional(),
  password: z.string().max(256).nullable().optional(),
  provider: z.string().trim().min(1).max(64),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code like "DE"')
    .nullable()
    .optional(),
  status: ProxyStatus.default('active'),
  expires_at: Timestamp.nullable().optional(),
  bot_id: Id.nullable().optional(),
});
export type ProxyCreate = z.infer<typeof ProxyCreate>;

export const ProxyUpdate = ProxyCreate.partial()
  .extend({ status: ProxyStatus.optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one field is required' });
export type ProxyUpdate = z.infer<typeof ProxyUpdate>;

export const PROXY_SORTS = ['created_at', '-created_at', 'expires_at', '-expires_at'] as const;
export const ProxyListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(PROXY_SORTS).default('-created_at'),
    status: ProxyStatus.optional(),
    bot_id: Id.optional(),
    provider: z.string().min(1).max(64).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    expires_from: Timestamp.optional(),
    expires_to: Timestamp.optional(),
  })
  .refine((q) => rangeOrdered(q.expires_from, q.expires_to), {
    path: ['expires_to'],
    message: 'must be after expires_from',
  });
export type ProxyListQuery = z.infer<typeof ProxyListQuery>;
export const ProxyPage = Page(Proxy);
export type ProxyPage = z.infer<typeof ProxyPage>;

// ---- subscriptions ----------------------------------------------------------------------------
export const SubscriptionType = z.enum(['service', 'game']);

export const Subscription = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  name: z.string(),
  type: SubscriptionType,
  price: PositiveMoney,
  currency: Currency,
  renews_at: Timestamp.nullable(),
  bot_id: Id.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  type: SubscriptionType,
  price: PositiveMoney,
  currency: Currency,
  renews_at: Timestamp.nullable().optional(),
  bot_id: Id.nullable().optional(),
});
export type SubscriptionCreate = z.infer<typeof SubscriptionCreate>;

export const SubscriptionUpdate = SubscriptionCreate.partial().refine(
  (v) => Object.keys(v).length > 0,
  {
    message: 'at least one field is required',
  },
);
export type SubscriptionUpdate = z.infer<typeof SubscriptionUpdate>;

export const SUBSCRIPTION_SORTS = ['created_at', '-created_at', 'renews_at', '-renews_at'] as const;
export const SubscriptionListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(SUBSCRIPTION_SORTS).default('-created_at'),
    type: SubscriptionType.optional(),
    currency: Currency.optional(),
    bot_id: Id.optional(),
    renews_from: Timestamp.optional(),
    renews_to: Timestamp.optional(),
  })
  .refine((q) => rangeOrdered(q.renews_from, q.renews_to), {
    path: ['renews_to'],
    message: 'must be after renews_from',
  });
export type SubscriptionListQuery = z.infer<typeof SubscriptionListQuery>;
export const SubscriptionPage = Page(Subscription);
export type SubscriptionPage = z.infer<typeof SubscriptionPage>;
