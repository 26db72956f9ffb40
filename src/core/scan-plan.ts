// supervise-scan's one decision (SPEC section 13): given the services it
// supervises and the service directories SCANDIR holds now, which to start
// and which to stop. A service still being stopped is neither started again
// nor stopped twice; it is looked at again once it has ended.

export interface ScanPlan {
  readonly start: readonly string[];
  readonly stop: readonly string[];
}

/** Names starting with `.` are never services (svscan's rule; supervise-scan's own lock is one). */
export function isServiceName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !name.includes('/');
}

export function planScan(running: Iterable<string>, stopping: Iterable<string>, found: Iterable<string>): ScanPlan {
  const present = new Set([...found].filter(isServiceName));
  const ending = new Set(stopping);
  const supervised = new Set([...running].filter((name) => !ending.has(name)));
  const start = [...present].filter((name) => !supervised.has(name) && !ending.has(name)).sort();
  const stop = [...supervised].filter((name) => !present.has(name)).sort();
  return { start, stop };
}
