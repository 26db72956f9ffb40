// What to re-create when someone removed or replaced parts of the status
// directory under a running supervise (`rm -rf status/x`, `rm control`). The
// daemon still holds its lock, `control` and `ok` open, but nobody else can
// reach them through the directory any more: `echo d > control` would write a
// plain file, `fuser lock` and `supervisectl check` would say nobody runs,
// and a second supervise could lock a fresh `lock` and start a second copy.
// Pure: the adapter observes the entries and carries the repairs out.

/** What the path of one entry the daemon holds open names now. */
export type HeldEntryState = 'ours' | 'missing' | 'replaced';

export interface StatusDirObservation {
  dir: 'present' | 'missing' | 'not-directory';
  lock: HeldEntryState;
  control: HeldEntryState;
  ok: HeldEntryState;
  /** `status`: only known to be missing once supervise has written it. */
  status: 'present' | 'missing' | 'not-written-yet';
}

export type StatusDirRepair = 'create-dir' | 'relock' | 'recreate-control' | 'recreate-ok' | 'rewrite-status';

export interface StatusDirPlan {
  repairs: StatusDirRepair[];
  /** One WARNING each, naming the entry (relative to the status directory) and what happened. */
  warnings: string[];
}

/** Repairs in the order they must run: the directory, then the lock (before anyone else takes it), the FIFOs, status. */
export function planStatusDirRepairs(observed: StatusDirObservation): StatusDirPlan {
  if (observed.dir === 'not-directory') {
    return { repairs: [], warnings: ['the status directory was replaced by something that is not a directory; supervision goes on without it'] };
  }
  if (observed.dir === 'missing') {
    return {
      repairs: ['create-dir', 'relock', 'recreate-control', 'recreate-ok', 'rewrite-status'],
      warnings: ['the status directory was removed; re-created it with lock, control, ok and status'],
    };
  }
  const repairs: StatusDirRepair[] = [];
  const warnings: string[] = [];
  const held: Array<[keyof Pick<StatusDirObservation, 'lock' | 'control' | 'ok'>, StatusDirRepair]> = [
    ['lock', 'relock'],
    ['control', 'recreate-control'],
    ['ok', 'recreate-ok'],
  ];
  for (const [entry, repair] of held) {
    const state = observed[entry];
    if (state === 'ours') continue;
    repairs.push(repair);
    warnings.push(`${entry} was ${state === 'missing' ? 'removed' : 'replaced'}; re-created it`);
  }
  if (observed.status === 'missing') {
    repairs.push('rewrite-status');
    warnings.push('status was removed; re-created it');
  }
  return { repairs, warnings };
}
