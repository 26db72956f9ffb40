// What to re-create when someone removed or replaced parts of the status
// directory under a running supervise (`rm -rf status/x`, `rm control`). The
// daemon still holds its lock, `control` and `ok` open, but nobody else can
// reach them through the directory any more: `echo d > control` would write a
// plain file, `fuser lock` and `supervisectl check` would say nobody runs,
// and a second supervise could lock a fresh `lock` and start a second copy.
// Pure: the adapter observes the entries and carries the repairs out.

/** What the path of one entry the daemon holds open names now. */
export type HeldEntryState = 'ours' | 'missing' | 'replaced';

/**
 * Where the directory the daemon holds stands: at its path; moved or renamed
 * away (it lives on elsewhere, and the path may belong to a new supervise);
 * removed with nothing at the path; removed with something else at the path.
 */
export type HeldDirState = 'present' | 'moved' | 'missing' | 'taken';

export interface StatusDirObservation {
  dir: HeldDirState;
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

/**
 * Repairs in the order they must run: the directory, then the lock (before
 * anyone else takes it), the FIFOs, status. Only ever inside the directory
 * supervise holds, or at its path when that names nothing: a path that names
 * another directory now is someone else's. `previousDir` is what the last
 * look found, so a lasting state is reported once, not at every status write.
 */
export function planStatusDirRepairs(observed: StatusDirObservation, previousDir: HeldDirState = 'present'): StatusDirPlan {
  if (observed.dir === 'taken') {
    const warnings =
      previousDir === 'taken' ? [] : ['the status directory was removed and its path now names something else; supervision goes on without it'];
    return { repairs: [], warnings };
  }
  if (observed.dir === 'missing') {
    return {
      repairs: ['create-dir', 'relock', 'recreate-control', 'recreate-ok', 'rewrite-status'],
      warnings: ['the status directory was removed; re-created it with lock, control, ok and status'],
    };
  }
  const repairs: StatusDirRepair[] = [];
  const warnings: string[] = [];
  if (observed.dir === 'moved' && previousDir !== 'moved') {
    warnings.push('the status directory was moved or renamed away from this path; supervise goes on in it and leaves the path alone');
  }
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
