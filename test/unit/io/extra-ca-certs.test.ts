import { rootCertificates } from 'node:tls';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTRA_CA_CERTS, extraCaCertsPath, PARKED_EXTRA_CA_CERTS, trustedCas } from '../../../src/io/extra-ca-certs.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const PEM = '-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n';

describe('NODE_EXTRA_CA_CERTS', () => {
  it('is found under the name bin/ parks it as, or under its own once the daemon gave it back', () => {
    expect(extraCaCertsPath({ [PARKED_EXTRA_CA_CERTS]: '/etc/ca.pem' })).toBe('/etc/ca.pem');
    expect(extraCaCertsPath({ [EXTRA_CA_CERTS]: '/etc/ca.pem' })).toBe('/etc/ca.pem');
    expect(extraCaCertsPath({ [EXTRA_CA_CERTS]: '', [PARKED_EXTRA_CA_CERTS]: '' })).toBeNull();
    expect(extraCaCertsPath({})).toBeNull();
  });

  it("adds the file's CAs to Node's own, as Node would", async () => {
    const path = join(makeTempDir(), 'ca.pem');
    writeFileSync(path, PEM);
    expect(await trustedCas({ [PARKED_EXTRA_CA_CERTS]: path })).toEqual([...rootCertificates, PEM]);
  });

  it("leaves Node's defaults when none are named or the file cannot be read", async () => {
    expect(await trustedCas({})).toBeNull();
    expect(await trustedCas({ [EXTRA_CA_CERTS]: join(makeTempDir(), 'missing.pem') })).toBeNull();
  });
});
