// A caller's descriptors reach us through exec: a deploy script's
// `exec 200>deploy.lock` would stay open in the daemon and in every service,
// and its flock lock held until the module stops. Node and libuv open all of
// their own descriptors close-on-exec, so one without FD_CLOEXEC is one we
// inherited; the daemon closes those, except the ones it was handed on purpose.
import { closeSync, readdirSync } from 'node:fs';
import fsExt from 'fs-ext';

/** Closes every inherited descriptor from 3 up but `keep`; returns the ones closed. */
export function closeInheritedDescriptors(keep: readonly number[]): number[] {
  const closed: number[] = [];
  for (const entry of readdirSync('/proc/self/fd')) {
    const fd = Number(entry);
    if (fd < 3 || keep.includes(fd)) continue;
    let flags: number;
    try {
      flags = fsExt.fcntlSync(fd, 'getfd');
    } catch {
      // The directory's own descriptor, closed once the listing was read.
      continue;
    }
    if ((flags & fsExt.constants.FD_CLOEXEC) !== 0) continue;
    closeSync(fd);
    closed.push(fd);
  }
  return closed;
}
