// The parts of fs-ext (a native addon without bundled types) that supervise uses.
declare module 'fs-ext' {
  export function flockSync(fd: number, flags: 'sh' | 'ex' | 'shnb' | 'exnb' | 'un'): void;
  export function fcntlSync(fd: number, cmd: 'getfd' | 'setfd', arg?: number): number;
  export const constants: { FD_CLOEXEC: number };
}
