import { describe, expect, it } from 'vitest';
import { classifyDbError } from './pg-errors.ts';

describe('classifyDbError', () => {
  it('maps a unique violation to the key fields, without values', () => {
    expect(
      classifyDbError({
        code: '23505',
        detail: 'Key (ip, port)=(1.2.3.4, 80) already exists.',
        constraint: 'proxies_ip_port_key',
      }),
    ).toEqual({ kind: 'unique', fields: ['ip', 'port'] });
  });
  it('maps a foreign-key violation', () => {
    expect(
      classifyDbError({
        code: '23503',
        detail: 'Key (bot_id)=(x) is not present in table "bots".',
      }),
    ).toEqual({
      kind: 'foreign_key',
      fields: ['bot_id'],
    });
  });
  it('treats connection failures and shutdowns as unavailable', () => {
    expect(
      classifyDbError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' })
        ?.kind,
    ).toBe('unavailable');
    expect(
      classifyDbError({
        code: '57P01',
        message: 'terminating connection due to administrator command',
      })?.kind,
    ).toBe('unavailable');
    expect(classifyDbError(new Error('timeout exceeded when trying to connect'))?.kind).toBe(
      'unavailable',
    );
  });
  it('leaves other errors alone', () => {
    expect(classifyDbError(new Error('boom'))).toBeUndefined();
    expect(classifyDbError({ code: '42P01' })).toBeUndefined();
  });
});
