import { z } from 'zod';
import { Currency, Timestamp } from './common.ts';
import { ProjectSlug } from './bots.ts';

/** Each settings section has its own schema; a section is stored as one row (jsonb). */
export const settingsSections = {
  general: z.strictObject({
    currency: Currency,
    timezone: z.string().min(1).max(64),
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag like "ru"'),
  }),
  alerts: z.strictObject({
    enabled: z.boolean(),
    telegram_chat_id: z
      .string()
      .regex(/^-?\d{1,20}$/, 'must be a Telegram chat id')
      .nullable(),
    offline_minutes: z.number().int().min(1).max(10_080),
  }),
  farm: z.strictObject({
    max_bots_per_vm: z.number().int().min(1).max(1000),
    default_project: ProjectSlug,
  }),
} as const;

export const SETTINGS_SECTIONS = Object.keys(settingsSections) as [
  SettingsSectionName,
  ...SettingsSectionName[],
];
export type SettingsSectionName = keyof typeof settingsSections;
export const SettingsSectionName = z.enum(['general', 'alerts', 'farm']);

export type SettingsData<S extends SettingsSectionName = SettingsSectionName> = z.infer<
  (typeof settingsSections)[S]
>;

export const SettingsSectionParams = z.strictObject({ section: SettingsSectionName });

export const SettingsSection = z.object({
  section: SettingsSectionName,
  data: z.union([settingsSections.general, settingsSections.alerts, settingsSections.farm]),
  updated_at: Timestamp,
});
export type SettingsSection = z.infer<typeof SettingsSection>;

export const SettingsList = z.object({ items: z.array(SettingsSection) });
export type SettingsList = z.infer<typeof SettingsList>;

/** PUT body: the whole section (replaces it). Validated against the section's own schema. */
export const SettingsPut = z.strictObject({ data: z.record(z.string(), z.unknown()) });
export type SettingsPut = z.infer<typeof SettingsPut>;
