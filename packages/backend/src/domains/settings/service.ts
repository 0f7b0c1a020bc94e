import {
  settingsSections,
  type SettingsSection,
  type SettingsSectionName,
} from '@bot-mox/contracts';
import { badRequest, fieldErrors, notFound } from '../../platform/http/problem.ts';
import type { SettingsRepository, StoredSettingsSection } from './repository.ts';

/** Settings rules: a section's data must match that section's own schema, on the way in and out. */
export class SettingsService {
  readonly #repo: SettingsRepository;
  constructor(repo: SettingsRepository) {
    this.#repo = repo;
  }

  /** Stored data that no longer matches its schema is reported, not passed on silently. */
  #checked(stored: StoredSettingsSection): SettingsSection {
    const parsed = settingsSections[stored.section].safeParse(stored.data);
    if (!parsed.success)
      throw new Error(`stored settings section ${stored.section} does not match its schema`);
    return { section: stored.section, data: parsed.data, updated_at: stored.updated_at };
  }

  async list(): Promise<{ items: SettingsSection[] }> {
    return { items: (await this.#repo.list()).map((s) => this.#checked(s)) };
  }

  async get(section: SettingsSectionName): Promise<SettingsSection> {
    const stored = await this.#repo.get(section);
    if (!stored) throw notFound(`Settings section ${section} has not been saved yet.`);
    return this.#checked(stored);
  }

  async put(section: SettingsSectionName, data: Record<string, unknown>): Promise<SettingsSection> {
    const parsed = settingsSections[section].safeParse(data);
    if (!parsed.success) {
      throw badRequest(
        fieldErrors(parsed.error, 'body').map((f) => ({
          ...f,
          field: f.field.replace(/^body/, 'body.data'),
        })),
      );
    }
    return this.#checked(await this.#repo.put(section, parsed.data));
  }
}
