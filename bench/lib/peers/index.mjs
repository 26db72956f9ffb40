// The supervisors compared, ours first. Each adapter has the same shape:
//   { id, label, packages, binaries, files?, killCommand, settleMs, version(), deploy({peer, dir, fixture, services}) }
// (settleMs: how long after start-up its memory is steady)
// and a deployment offers setup(), start(), servicePid(i), kill(i),
// waitSteady(i), supervisorPids(), stop() (see deployment.mjs).
import { ours } from './ours.mjs';
import { oursScan } from './ours-scan.mjs';
import { daemontools, runit, s6 } from './service-dir.mjs';
import { supervisord } from './supervisord.mjs';

export const PEERS = [ours, oursScan, daemontools, runit, s6, supervisord];

export { killAllDeploymentsSync, liveDeploymentCount } from './deployment.mjs';
