import { describe, expect, it } from 'vitest';
import { mapRecord } from './records.ts';

describe('mapRecord', () => {
  it('maps a bot with every quirk: capitalised status, numeric-key tags, string level, epoch seconds', () => {
    const m = mapRecord('bots', '-NKbot', {
      name: 'лес-ru-0000',
      status: 'Running',
      project: 'wow_retail',
      vmName: 'VM-45',
      character: { name: 'Char1', level: '43', server: 'Пламегор', faction: 'horde' },
      createdAt: 1675673062,
      updatedAt: '2024-11-30T03:12:37.637Z',
      lastSeen: 1738255318134,
      tags: { '0': 'eu', '1': 'farm' },
    });
    expect(m.rejects).toEqual([]);
    expect(m.row).toEqual({
      legacy_id: '-NKbot',
      name: 'лес-ru-0000',
      status: 'running',
      project: 'wow_retail',
      vm_name: 'VM-45',
      character: { name: 'Char1', level: 43, server: 'Пламегор', faction: 'horde' },
      tags: ['eu', 'farm'],
      last_seen_at: '2025-01-30T16:41:58.134Z',
      created_at: '2023-02-06T08:44:22.000Z',
      updated_at: '2024-11-30T03:12:37.637Z',
    });
  });

  it('uses column defaults for absent fields and NULL for absent nullable ones', () => {
    const m = mapRecord('tasks', '-NKt', { title: 'Task 0', createdAt: 1758762518139 });
    expect(m.row).toMatchObject({
      status: 'todo',
      due_at: null,
      legacy_bot_id: null,
      updated_at: null, // absent legacy updatedAt: the import keeps or sets now() (migrate.ts)
    });
  });

  it('skips a record whose required value is unparseable, with one reject naming path, field, raw value', () => {
    const m = mapRecord('finance_operations', '-NKop', {
      type: 'income',
      category: 'gold_sale',
      amount: 'n/a',
      currency: 'USD',
      date: '2023-09-10',
    });
    expect(m.row).toBeNull();
    expect(m.rejects).toEqual([
      {
        path: 'finance/operations/-NKop',
        field: 'amount',
        kind: 'unparseable',
        outcome: 'record_skipped',
        raw: 'n/a',
        reason: expect.stringMatching(/not a decimal number: "n\/a"; record not imported/),
      },
    ]);
  });

  it('imports a record with an unparseable nullable value as NULL, and reports it', () => {
    const m = mapRecord('proxies', '-NKpx', {
      ip: '86.222.41.17',
      port: '57563',
      provider: 'webshare',
      expiresAt: 'soon',
      botId: '-NKgone',
    });
    expect(m.row).toMatchObject({ port: 57563, expires_at: null, legacy_bot_id: '-NKgone' });
    expect(m.rejects).toMatchObject([
      { path: 'resources/proxies/-NKpx', field: 'expiresAt', outcome: 'field_null', raw: 'soon' },
    ]);
  });

  it('reports unknown fields and unreadable nested values instead of dropping them silently', () => {
    const m = mapRecord('bots', '-NKb', {
      name: 'x',
      project: 'wow_tbc',
      owner: 'me',
      character: { name: 'C', level: 'high', mood: 'ok' },
    });
    expect(m.row).toMatchObject({ character: { name: 'C', level: null }, status: 'prepare' });
    expect(m.rejects.map((r) => [r.field, r.outcome])).toEqual([
      ['owner', 'field_dropped'],
      ['character.level', 'field_null'],
      ['character.mood', 'field_dropped'],
    ]);
  });

  it('a required value that is absent skips the record', () => {
    const m = mapRecord('licenses', '-NKl', { type: 'sin' });
    expect(m.row).toBeNull();
    expect(m.rejects).toMatchObject([{ field: 'key', kind: 'missing', outcome: 'record_skipped' }]);
  });

  it('a record that is not an object is skipped', () => {
    const m = mapRecord('notes', '-NKn', 'just text');
    expect(m.row).toBeNull();
    expect(m.rejects).toMatchObject([{ field: '', kind: 'not_an_object', raw: 'just text' }]);
  });

  it('maps licenses (sin -> single, botIds set) and keeps note text byte-exact', () => {
    expect(
      mapRecord('licenses', '-NKl', {
        key: '2276-3386-9934',
        type: 'sin',
        expiresAt: 1745772093,
        botIds: { '-NKa': true },
      }).row,
    ).toMatchObject({ type: 'single', status: 'active', bot_legacy_ids: ['-NKa'] });
    const content = 'line1\nline2\n\ttabbed "quoted" \\ back';
    expect(
      mapRecord('notes', '-NKn', {
        title: 'Note 0',
        content,
        pinned: 'true',
        createdAt: 1,
        updatedAt: 2,
      }).row,
    ).toMatchObject({ content, pinned: true });
  });

  it('maps settings sections to the API schema (camelCase keys, numbers as strings)', () => {
    expect(
      mapRecord('settings', 'alerts', {
        enabled: true,
        telegramChatId: '-1001234567890',
        offlineMinutes: '15',
      }).row,
    ).toEqual({
      section: 'alerts',
      legacy_id: 'alerts',
      data: { enabled: true, telegram_chat_id: '-1001234567890', offline_minutes: 15 },
    });
    const bad = mapRecord('settings', 'general', {
      currency: 'USD',
      timezone: 'UTC',
      language: 'RUS',
    });
    expect(bad.row).toBeNull();
    expect(bad.rejects).toMatchObject([
      { field: 'language', raw: 'RUS', outcome: 'record_skipped' },
    ]);
    expect(mapRecord('settings', 'theme', { dark: true }).rejects).toMatchObject([
      { path: 'settings/theme', kind: 'unknown_field', outcome: 'record_skipped' },
    ]);
  });
});
