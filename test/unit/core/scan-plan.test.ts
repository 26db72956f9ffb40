import { describe, expect, it } from 'vitest';
import { isServiceName, planScan } from '../../../src/core/scan-plan.js';

describe('planScan', () => {
  it.each([
    { what: 'a fresh scan starts everything found', running: [], stopping: [], found: ['b', 'a'], start: ['a', 'b'], stop: [] },
    { what: 'nothing changed', running: ['a', 'b'], stopping: [], found: ['a', 'b'], start: [], stop: [] },
    { what: 'a directory added', running: ['a'], stopping: [], found: ['a', 'c'], start: ['c'], stop: [] },
    { what: 'a directory removed', running: ['a', 'b'], stopping: [], found: ['a'], start: [], stop: ['b'] },
    { what: 'one being stopped is not stopped twice', running: ['a', 'b'], stopping: ['b'], found: ['a'], start: [], stop: [] },
    { what: 'one being stopped that is back waits for its end', running: ['a', 'b'], stopping: ['b'], found: ['a', 'b'], start: [], stop: [] },
    { what: 'dot names are never services', running: [], stopping: [], found: ['.supervise-scan.lock', '.hidden', 'a'], start: ['a'], stop: [] },
  ])('$what', ({ running, stopping, found, start, stop }) => {
    expect(planScan(running, stopping, found)).toEqual({ start, stop });
  });

  it('isServiceName refuses the empty name, dot names and paths', () => {
    expect(['', '.', '..', '.x', 'a/b'].map(isServiceName)).toEqual([false, false, false, false, false]);
    expect(['redis', 'meta.txn-recover'].map(isServiceName)).toEqual([true, true]);
  });
});
