import { describe, expect, it } from 'vitest';
import { parkExtraCaCerts, restoreExtraCaCerts } from '../../../src/io/extra-ca-certs.js';

describe('NODE_EXTRA_CA_CERTS parking', () => {
  it('parks the variable for supervise own Node and restores it exactly', () => {
    const caller = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' };
    const parked = parkExtraCaCerts(caller);
    expect(parked).toEqual({ PATH: '/bin', SUPERVISE_NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
    expect(caller.NODE_EXTRA_CA_CERTS).toBe('/etc/ca.pem');
    restoreExtraCaCerts(parked);
    expect(parked).toEqual(caller);
  });

  it('changes nothing when the caller has no such variable, even an empty one is kept', () => {
    expect(parkExtraCaCerts({ PATH: '/bin' })).toEqual({ PATH: '/bin' });
    const empty = parkExtraCaCerts({ NODE_EXTRA_CA_CERTS: '' });
    restoreExtraCaCerts(empty);
    expect(empty).toEqual({ NODE_EXTRA_CA_CERTS: '' });
  });
});
