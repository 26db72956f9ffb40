// A caller's descriptors reach us through exec: a deploy script's
// `exec 200>deploy.lock` would stay open in the daemon and in every service,
// and its flock lock held until the module stops. Node and libuv open all of
// their own descriptors close-on-exec (the lock and the hand-off socket
// included: the daemon opens both itself), so one without FD_CLOEXEC is one we
// inherited, and the daemon closes it.
// Node has no fcntl(2): the flags come from /proc/self/fdinfo, where O_CLOEXEC
// stands for FD_CLOEXEC.
import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** The descriptor's open flags (octal in fdinfo), or null when it is gone. */
function descriptorFlags(fd: number): number | null {
  let info: string;
  try {
    info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  } catch {
    return null;
  }
  const flags = /^flags:\s*([0-7]+)$/m.exec(info);
  return flags ? parseInt(flags[1], 8) : null;
}

/** Closes every inherited descriptor from 3 up; returns the ones closed. */
export function closeInheritedDescriptors(): number[] {
  const closed: number[] = [];
  for (const entry of readdirSync('/proc/self/fd')) {
    const fd = Number(entry);
    if (fd < 3) continue;
    const flags = descriptorFlags(fd);
    // null: the directory's own descriptor, closed once the listing was read.
    if (flags === null || (flags & O_CLOEXEC) !== 0) continue;
    closeSync(fd);
    closed.push(fd);
  }
  return closed;
}
