// Keeps a supervising process's heap from drifting while services restart.
// Each start leaves some 10-20 KB of objects (the child process, its streams
// and watchers, the state it replaced) that outlive two young-generation
// collections and so move to the old generation, where V8 collects nothing
// until that has grown by about 8 MB. A service in a crash loop thus made
// the daemon's RSS climb by megabytes between full collections, which looks
// like a leak from outside and is memory the host does not get back.
// One full collection every so many starts, after the start is done, keeps
// the old generation within about half a megabyte of its live size; it
// takes a few ms of a process that spends its life waiting.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const STARTS_PER_COLLECTION = 32;

let startsSinceCollection = 0;
let collectGarbage: (() => void) | null = null;

/** V8's gc(): the flag set at run time installs it in contexts made after, so a fresh one has it. */
function fullCollection(): () => void {
  if (collectGarbage === null) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  return collectGarbage;
}

/** Counts a service start; every STARTS_PER_COLLECTION-th schedules a full collection once the current turn is over. */
export function noteServiceStarted(): void {
  startsSinceCollection++;
  if (startsSinceCollection < STARTS_PER_COLLECTION) return;
  startsSinceCollection = 0;
  setImmediate(() => fullCollection()()).unref();
}
