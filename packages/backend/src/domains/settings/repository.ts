import type { SettingsSectionName } from '@bot-mox/contracts';

export interface StoredSettingsSection {
  section: SettingsSectionName;
  data: Record<string, unknown>;
  updated_at: string;
}

/** Settings: one record per section. */
export interface SettingsRepository {
  list(): Promise<StoredSettingsSection[]>;
  get(section: SettingsSectionName): Promise<StoredSettingsSection | null>;
  put(section: SettingsSectionName, data: Record<string, unknown>): Promise<StoredSettingsSection>;
}
