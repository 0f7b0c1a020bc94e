import { sql } from 'kysely';
import { SETTINGS_SECTIONS, type SettingsSectionName } from '@bot-mox/contracts';
import type { Db } from '../../platform/db/database.ts';
import type { SettingsRepository, StoredSettingsSection } from './repository.ts';

const toSection = (row: {
  section: string;
  data: Record<string, unknown>;
  updated_at: Date;
}): StoredSettingsSection => ({
  section: row.section as SettingsSectionName,
  data: row.data,
  updated_at: row.updated_at.toISOString(),
});

export class KyselySettingsRepository implements SettingsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  async list(): Promise<StoredSettingsSection[]> {
    const rows = await this.#db
      .selectFrom('settings')
      .selectAll()
      .where('section', 'in', SETTINGS_SECTIONS)
      .orderBy('section')
      .execute();
    return rows.map(toSection);
  }
  async get(section: SettingsSectionName): Promise<StoredSettingsSection | null> {
    const row = await this.#db
      .selectFrom('settings')
      .selectAll()
      .where('section', '=', section)
      .executeTakeFirst();
    return row ? toSection(row) : null;
  }
  async put(
    section: SettingsSectionName,
    data: Record<string, unknown>,
  ): Promise<StoredSettingsSection> {
    const json = JSON.stringify(data);
    const row = await this.#db
      .insertInto('settings')
      .values({ section, data: json })
      .onConflict((oc) =>
        oc.column('section').doUpdateSet({ data: json, updated_at: sql<Date>`now()` }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSection(row);
  }
}
