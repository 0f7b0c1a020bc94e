import { describe, expect, it } from 'vitest';
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
    expect(HealthResponse.parse(valid)).toEqual(valid);
  });

  it('rejects an unknown data backend, naming the field', () => {
    const result = HealthResponse.safeParse({ ...valid, data_backend: 'mongo' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data_backend']);
  });
});
