import { describe, expect, it } from 'vitest';
import { ArtifactUploadCreate } from '@bot-mox/contracts';
import { assertInstallerKey, buildInstallerKey, contentDisposition } from './keys.ts';
import { KeyScopeError } from './provider.ts';
import { policyIsPublic } from './init.ts';

/** Values that would move a key out of artifacts/installers/<platform>/<version>/<file>. */
export const KEY_SCOPE_ATTACKS: { field: 'platform' | 'version' | 'file_name'; value: string }[] = [
  { field: 'file_name', value: '../../../etc/passwd' },
  { field: 'file_name', value: '..' },
  { field: 'file_name', value: '.' },
  { field: 'file_name', value: 'a..b.exe' },
  { field: 'file_name', value: 'sub/setup.exe' },
  { field: 'file_name', value: '/setup.exe' },
  { field: 'file_name', value: 'sub\\setup.exe' },
  { field: 'file_name', value: 'set\u0000up.exe' },
  { field: 'file_name', value: 'set\nup.exe' },
  { field: 'file_name', value: 'set\u007fup.exe' },
  { field: 'file_name', value: ' setup.exe' },
  { field: 'file_name', value: '' },
  { field: 'file_name', value: 'a'.repeat(256) },
  { field: 'file_name', value: 'ü'.repeat(128) }, // 256 bytes of UTF-8
  { field: 'version', value: '../1.0.0' },
  { field: 'version', value: '1.0.0/../../x' },
  { field: 'version', value: '1..0' },
  { field: 'version', value: '1.0.0\u0000' },
  { field: 'version', value: 'latest' },
  { field: 'version', value: '' },
  { field: 'version', value: `1.${'0'.repeat(70)}` },
  { field: 'platform', value: '../windows' },
  { field: 'platform', value: 'windows/..' },
  { field: 'platform', value: 'solaris' },
];

const ok = { platform: 'windows', version: '1.4.2', file_name: 'setup.exe' };

describe('installer keys', () => {
  it('builds artifacts/installers/<platform>/<version>/<file>', () => {
    expect(buildInstallerKey('windows', '1.4.2', 'bot-mox setup.exe')).toBe(
      'artifacts/installers/windows/1.4.2/bot-mox setup.exe',
    );
    expect(buildInstallerKey('linux', '2.0.0-beta.1+build.7', 'bot-mox_2.0.0_amd64.deb')).toBe(
      'artifacts/installers/linux/2.0.0-beta.1+build.7/bot-mox_2.0.0_amd64.deb',
    );
    expect(buildInstallerKey('macos', 'v1.2', 'Bot Mox ü.dmg')).toContain('/v1.2/');
    expect(buildInstallerKey('windows', '1.0.0', 'a'.repeat(255))).toHaveLength(
      'artifacts/installers/windows/1.0.0/'.length + 255,
    );
  });

  it.each(KEY_SCOPE_ATTACKS)('refuses $field = %j', ({ field, value }) => {
    const input = { ...ok, [field]: value };
    expect(() => buildInstallerKey(input.platform, input.version, input.file_name)).toThrow(
      KeyScopeError,
    );
    const parsed = ArtifactUploadCreate.safeParse({ ...input, size_bytes: 1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.some((i) => i.path[0] === field)).toBe(true);
  });

  it('accepts only keys it could have built', () => {
    expect(assertInstallerKey('artifacts/installers/linux/1.0.0/a.deb')).toBe(
      'artifacts/installers/linux/1.0.0/a.deb',
    );
    for (const key of [
      'artifacts/other/linux/1.0.0/a.deb',
      'artifacts/installers/linux/1.0.0/sub/a.deb',
      'artifacts/installers/linux/1.0.0/../a.deb',
      'artifacts/installers/linux/a.deb',
      '/artifacts/installers/linux/1.0.0/a.deb',
      'artifacts/installers/../installers/linux/1.0.0/a.deb',
    ]) {
      expect(() => assertInstallerKey(key), key).toThrow(KeyScopeError);
    }
  });

  it('Content-Disposition carries the original name, with an ASCII fallback', () => {
    expect(contentDisposition('setup.exe')).toBe(
      `attachment; filename="setup.exe"; filename*=UTF-8''setup.exe`,
    );
    expect(contentDisposition('Bot "Mox" ü.dmg')).toBe(
      `attachment; filename="Bot _Mox_ _.dmg"; filename*=UTF-8''Bot%20%22Mox%22%20%C3%BC.dmg`,
    );
  });
});

describe('storage:init policy check', () => {
  it('finds statements that allow anyone', () => {
    const doc = (principal: unknown, effect = 'Allow') =>
      JSON.stringify({ Statement: [{ Effect: effect, Principal: principal, Action: 's3:*' }] });
    expect(policyIsPublic(doc('*'))).toBe(true);
    expect(policyIsPublic(doc({ AWS: '*' }))).toBe(true);
    expect(policyIsPublic(doc({ AWS: ['arn:aws:iam::1:root', '*'] }))).toBe(true);
    expect(policyIsPublic(doc('*', 'Deny'))).toBe(false);
    expect(policyIsPublic(doc({ AWS: 'arn:aws:iam::1:root' }))).toBe(false);
  });
});
