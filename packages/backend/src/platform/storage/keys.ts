// Object keys of installers: strictly artifacts/installers/<platform>/<version>/<file>. Built
// only from validated segments, and checked again before anything is signed.
import {
  ArtifactFileName,
  ArtifactPlatform,
  ArtifactVersion,
  INSTALLERS_PREFIX,
} from '@bot-mox/contracts';
import { KeyScopeError } from './provider.ts';

export function buildInstallerKey(platform: string, version: string, fileName: string): string {
  if (!ArtifactPlatform.safeParse(platform).success) throw new KeyScopeError('invalid platform');
  if (!ArtifactVersion.safeParse(version).success) throw new KeyScopeError('invalid version');
  if (!ArtifactFileName.safeParse(fileName).success) throw new KeyScopeError('invalid file name');
  return `${INSTALLERS_PREFIX}${platform}/${version}/${fileName}`;
}

/** Throws KeyScopeError unless `key` is exactly an installer key. */
export function assertInstallerKey(key: string): string {
  if (!key.startsWith(INSTALLERS_PREFIX)) throw new KeyScopeError('outside artifacts/installers/');
  const parts = key.slice(INSTALLERS_PREFIX.length).split('/');
  if (parts.length !== 3) throw new KeyScopeError('not <platform>/<version>/<file>');
  const [platform, version, fileName] = parts as [string, string, string];
  return buildInstallerKey(platform, version, fileName);
}

/** Content-Disposition for a download: an ASCII fallback and the exact name (RFC 6266/8187). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
