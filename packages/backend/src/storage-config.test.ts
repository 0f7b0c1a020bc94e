import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseStorageConfig } from './config.ts';

const base = {
  DATABASE_URL: 'postgres://postgres:pw@db:5432/postgres',
  SUPABASE_JWT_SECRET: 'x'.repeat(32),
};
const s3 = {
  S3_ENDPOINT: 'http://minio:9000',
  S3_ACCESS_KEY_ID: 'access',
  S3_SECRET_ACCESS_KEY: 'secret-value-123',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('S3 and artifact settings', () => {
  it('are off when no S3 variable is set', () => {
    const c = parseConfig(base);
    expect(c.s3.configured).toBe(false);
    expect(c.artifacts).toEqual({
      maxBytes: 2 * 1024 ** 3,
      pendingGraceSeconds: 600,
      sweepIntervalSeconds: 60,
    });
  });

  it('are all-or-nothing, naming what is missing and never a value', () => {
    const lines = problems({ ...base, S3_SECRET_ACCESS_KEY: 'secret-value-123' });
    expect(lines).toEqual(
      expect.arrayContaining([
        'S3_ENDPOINT: required when S3 is configured',
        'S3_ACCESS_KEY_ID: required when S3 is configured',
      ]),
    );
    expect(lines.join('\n')).not.toContain('secret-value-123');
  });

  it('sign for the public endpoint, falling back to the internal one', () => {
    expect(parseConfig({ ...base, ...s3 }).s3).toMatchObject({
      configured: true,
      endpoint: 'http://minio:9000',
      publicEndpoint: 'http://minio:9000',
      forcePathStyle: true,
      presignTtlSeconds: 900,
    });
    const c = parseConfig({
      ...base,
      ...s3,
      S3_PUBLIC_ENDPOINT: 'https://s3.example.com',
      ARTIFACT_MAX_BYTES: '1048576',
      ARTIFACT_SWEEP_INTERVAL_SECONDS: '0',
    });
    expect(c.s3.publicEndpoint).toBe('https://s3.example.com');
    expect(c.artifacts).toMatchObject({ maxBytes: 1048576, sweepIntervalSeconds: 0 });
  });

  it('reject bad values', () => {
    const lines = problems({
      ...base,
      ...s3,
      S3_PRESIGN_TTL_SECONDS: '0',
      S3_BUCKET_ARTIFACTS: 'Bad_Bucket',
      ARTIFACT_MAX_BYTES: String(6 * 1024 ** 3),
      S3_ENDPOINT: 'ftp://x',
    });
    for (const name of [
      'S3_PRESIGN_TTL_SECONDS',
      'S3_BUCKET_ARTIFACTS',
      'ARTIFACT_MAX_BYTES',
      'S3_ENDPOINT',
    ])
      expect(lines.some((l) => l.startsWith(`${name}: `))).toBe(true);
  });

  it('parse alone for the storage CLI commands (no database or JWT needed)', () => {
    expect(parseStorageConfig(s3).s3.configured).toBe(true);
    expect(() => parseStorageConfig({ S3_ENDPOINT: 'http://x:9000' })).toThrow(ConfigError);
  });
});
