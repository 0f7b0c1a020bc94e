import { describe, expect, it } from 'vitest';
import { buildContractsInSteps } from './startup';

describe('buildContractsInSteps', () => {
  it('evaluates the modules in order, each in a task of its own', async () => {
    // A timer queued now runs between two tasks: it has run before a step only when that step
    // started in a later task than the one before it.
    let tasks = 0;
    const tick = () => setTimeout(() => (tasks += 1), 0);
    const seen: string[] = [];
    const step = (name: string) => async () => {
      seen.push(`${name}@${tasks}`);
      tick();
    };
    tick();
    await buildContractsInSteps([step('common'), step('bots'), step('endpoints')]);
    expect(seen).toEqual(['common@1', 'bots@2', 'endpoints@3']);
  });

  it('stops at the first module that fails to load', async () => {
    const seen: string[] = [];
    const failing = async () => {
      throw new Error('chunk failed to load');
    };
    await expect(
      buildContractsInSteps([failing, async () => void seen.push('after')]),
    ).rejects.toThrow('chunk failed to load');
    expect(seen).toEqual([]);
  });
});
