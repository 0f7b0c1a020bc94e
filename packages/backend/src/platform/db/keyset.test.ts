import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/problem.ts';
import { decodeCursor, encodeCursor, parseSort } from './keyset.ts';

describe('cursors', () => {
  const pos = { value: '2025-01-01 00:00:00.123+00', id: '6f1c1f1e-9a4b-4c53-8f1e-0c8b1b7d9a10' };

  it('round-trip for the same sort', () => {
    expect(decodeCursor(encodeCursor('-created_at', pos), '-created_at')).toEqual(pos);
  });

  it('refuse a cursor made for another sort, naming the cursor field', () => {
    const err = (() => {
      try {
        decodeCursor(encodeCursor('name', pos), '-created_at');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).errors?.[0]?.field).toBe('query.cursor');
  });

  it('refuse garbage', () => {
    expect(() => decodeCursor('not-a-cursor', 'name')).toThrow(HttpError);
    expect(() => decodeCursor(Buffer.from('[1,2,3]').toString('base64url'), 'name')).toThrow(
      HttpError,
    );
  });

  it('parse sort direction', () => {
    expect(parseSort('-amount')).toEqual({ field: 'amount', desc: true });
    expect(parseSort('date')).toEqual({ field: 'date', desc: false });
  });
});
