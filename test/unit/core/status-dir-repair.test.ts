import { describe, expect, it } from 'vitest';
import { planStatusDirRepairs, type StatusDirObservation } from '../../../src/core/status-dir-repair.js';

const whole: StatusDirObservation = { dir: 'present', lock: 'ours', control: 'ours', ok: 'ours', status: 'present' };

describe('planStatusDirRepairs', () => {
  it('does nothing while everything is in place', () => {
    expect(planStatusDirRepairs(whole)).toEqual({ repairs: [], warnings: [] });
    expect(planStatusDirRepairs({ ...whole, status: 'not-written-yet' })).toEqual({ repairs: [], warnings: [] });
  });

  it('re-creates everything, directory first, when the directory is gone', () => {
    const plan = planStatusDirRepairs({ dir: 'missing', lock: 'missing', control: 'missing', ok: 'missing', status: 'missing' });
    expect(plan.repairs).toEqual(['create-dir', 'relock', 'recreate-control', 'recreate-ok', 'rewrite-status']);
    expect(plan.warnings).toHaveLength(1);
  });

  it('names each entry removed or replaced', () => {
    expect(planStatusDirRepairs({ ...whole, control: 'replaced', status: 'missing' })).toEqual({
      repairs: ['recreate-control', 'rewrite-status'],
      warnings: ['control was replaced; re-created it', 'status was removed; re-created it'],
    });
    expect(planStatusDirRepairs({ ...whole, lock: 'missing', ok: 'missing' })).toEqual({
      repairs: ['relock', 'recreate-ok'],
      warnings: ['lock was removed; re-created it', 'ok was removed; re-created it'],
    });
  });

  it('touches nothing, and says so once, when the path of a removed directory names something else now', () => {
    const gone = { dir: 'taken', lock: 'missing', control: 'missing', ok: 'missing', status: 'missing' } as const;
    const plan = planStatusDirRepairs(gone);
    expect(plan.repairs).toEqual([]);
    expect(plan.warnings[0]).toContain('names something else');
    expect(planStatusDirRepairs(gone, 'taken')).toEqual({ repairs: [], warnings: [] });
  });

  it('repairs inside a directory moved away, never at its old path, and says so once', () => {
    const moved = { ...whole, dir: 'moved', control: 'missing' } as const;
    const plan = planStatusDirRepairs(moved);
    expect(plan.repairs).toEqual(['recreate-control']);
    expect(plan.warnings).toEqual([expect.stringContaining('moved or renamed away'), 'control was removed; re-created it']);
    expect(planStatusDirRepairs({ ...whole, dir: 'moved' }, 'moved')).toEqual({ repairs: [], warnings: [] });
  });
});
