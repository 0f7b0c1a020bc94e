import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';
import { endpoints } from './endpoints.ts';
import { HealthResponse } from './health.ts';

describe('HealthResponse', () => {
  const valid = {
    status: 'ok',
    version: '0.1.0',
    git_sha: 'abc1234',
    image_tag: 'sha-abc1234',
    uptime_seconds: 3,
    data_backend: 'supabase',
    supabase_ready: true,
    s3_ready: false,
  };

  it('accepts a well-formed health document', () => {
    expect(HealthResponse.parse(valid)).toMatchObject(valid);
  });

  it('rejects an unknown data backend, naming the field', () => {
    const result = HealthResponse.safeParse({ ...valid, data_backend: 'mongo' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data_backend']);
  });

  it('reads the backup fields as null when absent (a backend from before them)', () => {
    expect(HealthResponse.parse(valid)).toMatchObject({
      last_backup_at: null,
      last_backup_ok: null,
      last_good_backup_at: null,
      last_restore_drill_at: null,
      last_restore_drill_ok: null,
      backup_max_age_seconds: null,
    });
  });

  it('takes backup times as ISO timestamps only, naming the field', () => {
    const ok = { ...valid, last_backup_at: '2026-11-30T03:00:12.345Z', last_backup_ok: true };
    expect(HealthResponse.parse(ok)).toMatchObject(ok);
    const result = HealthResponse.safeParse({ ...valid, last_restore_drill_at: 'yesterday' });
    expect(result.error?.issues[0]?.path).toEqual(['last_restore_drill_at']);
  });

  it('documents the backup fields in the OpenAPI health response', () => {
    const doc = JSON.stringify(buildOpenApiDocument(endpoints, { version: 'test' }));
    for (const field of ['last_backup_at', 'last_good_backup_at', 'last_restore_drill_ok'])
      expect(doc).toContain(`"${field}"`);
  });
});
