import { describe, expect, it } from 'vitest';
import { daemonEnvironment, restoreCallerEnvironment } from '../../../src/io/daemon-environment.js';

describe('the daemon environment', () => {
  it('tunes the daemon, drops NODE_EXTRA_CA_CERTS, and gives the caller environment back exactly', () => {
    const caller = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', UV_THREADPOOL_SIZE: '8' };
    const daemon = daemonEnvironment(caller);
    expect(daemon).toMatchObject({ PATH: '/bin', MALLOC_ARENA_MAX: '1', UV_THREADPOOL_SIZE: '1' });
    expect(daemon.NODE_EXTRA_CA_CERTS).toBeUndefined();
    restoreCallerEnvironment(daemon);
    expect(daemon).toEqual(caller);
  });

  it('restores a variable bin/supervise parked, and one the caller did not have stays unset', () => {
    const caller = { PATH: '/bin', SUPERVISE_NODE_EXTRA_CA_CERTS: '' };
    const daemon = daemonEnvironment(caller);
    restoreCallerEnvironment(daemon);
    expect(daemon).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '' });
  });

  it('starts the daemon without NODE_OPTIONS and gives it back to the service exactly, empty or not', () => {
    for (const value of ['--inspect', '']) {
      const caller = { PATH: '/bin', NODE_OPTIONS: value };
      const daemon = daemonEnvironment(caller);
      expect(daemon.NODE_OPTIONS).toBeUndefined();
      restoreCallerEnvironment(daemon);
      expect(daemon).toEqual(caller);
    }
  });

  it('restores NODE_OPTIONS that bin/supervise parked, and never passes it to the daemon', () => {
    const caller = { PATH: '/bin', SUPERVISE_NODE_OPTIONS: '--inspect=0 --max-old-space-size=64' };
    const daemon = daemonEnvironment(caller);
    expect(daemon.NODE_OPTIONS).toBeUndefined();
    restoreCallerEnvironment(daemon);
    expect(daemon).toEqual({ PATH: '/bin', NODE_OPTIONS: '--inspect=0 --max-old-space-size=64' });
  });
});
