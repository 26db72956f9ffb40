// Switches that exist for tests only, read in this one place. None changes
// what supervise does; each only widens a race window a test must hit.
//
// SUPERVISE_TEST_SPAWN_PAUSE_MS: after a service is spawned, block this many
// ms before anything else happens (status is written after), so a test can
// kill supervise with SIGKILL between the spawn and the status write.

const SPAWN_PAUSE_MS = Number(process.env.SUPERVISE_TEST_SPAWN_PAUSE_MS ?? 0) || 0;

/** Returns `pid` after the test pause, if one is set; a blocking wait, as the real gap is synchronous too. */
export function pauseAfterSpawnForTests<T>(pid: T): T {
  if (SPAWN_PAUSE_MS > 0 && pid !== null) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SPAWN_PAUSE_MS);
  return pid;
}
