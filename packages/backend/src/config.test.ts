import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

const base = {
  DATABASE_URL: 'postgres://postgres:pw@db:5432/postgres',
  SUPABASE_JWT_SECRET: 'x'.repeat(32),
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig(base);
    expect(c.port).toBe(8080);
    expect(c.dataBackend).toBe('supabase');
    expect(c.writeFreeze).toBe(false);
    expect(c.s3.bucket).toBe('botmox-artifacts');
    expect(c.shutdownTimeoutMs).toBe(10_000);
  });

  it('reads every fixed name', () => {
    const c = parseConfig({
      ...base,
      PORT: '9000',
      WRITE_FREEZE: 'true',
      APP_VERSION: '1.2.3',
      GIT_SHA: 'abc',
      IMAGE_TAG: 'sha-abc',
      S3_FORCE_PATH_STYLE: 'false',
      S3_PRESIGN_TTL_SECONDS: '60',
    });
    expect(c).toMatchObject({
      port: 9000,
      writeFreeze: true,
      version: '1.2.3',
      gitSha: 'abc',
      imageTag: 'sha-abc',
    });
    expect(c.s3).toMatchObject({ forcePathStyle: false, presignTtlSeconds: 60 });
  });

  it('reports one line per problem, naming each variable and never its value', () => {
    const lines = problems({
      PORT: 'eighty',
      DATA_BACKEND: 'mongo',
      SUPABASE_JWT_SECRET: 'short-secret-value',
    });
    expect(lines.some((l) => l.startsWith('PORT: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('DATA_BACKEND: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('SUPABASE_JWT_SECRET: '))).toBe(true);
    expect(lines.join('\n')).not.toContain('short-secret-value');
  });

  it('requires DATABASE_URL for the supabase backend and a JWT key source', () => {
    expect(problems({})).toEqual(
      expect.arrayContaining([
        'SUPABASE_JWT_SECRET: required (or set SUPABASE_JWKS_URL)',
        'DATABASE_URL: required when DATA_BACKEND=supabase',
      ]),
    );
  });

  it('accepts a JWKS URL instead of a secret', () => {
    const c = parseConfig({
      DATABASE_URL: base.DATABASE_URL,
      SUPABASE_JWKS_URL: 'https://auth.example/jwks.json',
    });
    expect(c.jwt.secret).toBeUndefined();
    expect(c.jwt.jwksUrl).toBe('https://auth.example/jwks.json');
  });

  it('rejects a non-postgres DATABASE_URL and a bad boolean', () => {
    const lines = problems({ ...base, DATABASE_URL: 'mysql://x', WRITE_FREEZE: 'maybe' });
    expect(lines.map((l) => l.split(':')[0])).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'WRITE_FREEZE']),
    );
  });
});
