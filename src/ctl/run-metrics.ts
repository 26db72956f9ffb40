// `supervisectl metrics DIR...` (SPEC section 14): the Prometheus text format
// for the directories, every directory in one exposition.
import { resolve } from 'node:path';
import { encodePrometheusMetrics, type MetricsSource } from '../codec/prometheus-metrics.js';
import type { CtlContext } from './ctl-context.js';
import { NOT_RUNNING, reportFailure, SUCCEEDED, type DirOutcome } from './dir-outcome.js';
import { readServiceState } from './read-service-state.js';

/** What the metrics of one directory are made of; serve's /metrics reads the same. */
export function readMetricsSource(dir: string): MetricsSource {
  const state = readServiceState(dir, { withJson: true });
  return { dir: resolve(dir), supervised: state.running, status: state.json };
}

/**
 * A directory without a supervise is shown (supervise_up 0) and, as for
 * `status`, counts as not running in the exit status; one that cannot be read
 * is left out with a message.
 */
export function runMetrics(dirs: readonly string[], context: CtlContext): DirOutcome[] {
  const outcomes: DirOutcome[] = [];
  const sources: MetricsSource[] = [];
  for (const dir of dirs) {
    try {
      const source = readMetricsSource(dir);
      sources.push(source);
      outcomes.push(source.supervised ? SUCCEEDED : NOT_RUNNING);
    } catch (error) {
      outcomes.push(reportFailure(error, context));
    }
  }
  context.writeOut(encodePrometheusMetrics(sources));
  return outcomes;
}
