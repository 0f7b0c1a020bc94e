import { describe, expect, it } from 'vitest';
import { WritesInFlight } from './runtime-switches.ts';

describe('WritesInFlight', () => {
  it('counts the writes begun and not yet ended, each ending once', () => {
    const writes = new WritesInFlight();
    const a = writes.begin();
    const b = writes.begin();
    expect(writes.count).toBe(2);
    a();
    a(); // a response emits 'close' once, but a second call must not count twice
    expect(writes.count).toBe(1);
    b();
    expect(writes.count).toBe(0);
  });
});
