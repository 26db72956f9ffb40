// The parts of fs-ext (a native addon without bundled types) that supervise uses.
declare module 'fs-ext' {
  export function flockSync(fd: number, flags: 'sh' | 'ex' | 'shnb' | 'exnb' | 'un'): void;
  /** A number is passed to fcntl(2) as it is (F_GETFL, F_SETFL: fs-ext has no names for them). */
  export function fcntlSync(fd: number, cmd: 'getfd' | 'setfd' | number, arg?: number): number;
  export const constants: { FD_CLOEXEC: number };
}
