// Descriptors inherited from the foreground supervise (the lock, the hand-off
// socket) are not close-on-exec; the service must not inherit them, or it
// would keep the lock after supervise dies and `fuser lock` would name it.
import fsExt from 'fs-ext';

export function markCloseOnExec(fd: number): void {
  const flags = fsExt.fcntlSync(fd, 'getfd');
  fsExt.fcntlSync(fd, 'setfd', flags | fsExt.constants.FD_CLOEXEC);
}
