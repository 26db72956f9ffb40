// metrics_dir (SPEC section 14): the daemon's own metrics, written where and
// when status is, for node_exporter's textfile collector. A failure is one
// WARNING per streak and never stops supervision, as for status.
import { encodePrometheusMetrics } from '../codec/prometheus-metrics.js';
import { statusJsonOf, type StatusJsonFacts } from '../codec/status-json.js';
import { describeCause } from '../core/supervise-error.js';
import type { SupervisorState } from '../core/supervisor-machine.js';
import { metricsFilePath, writeMetricsFile } from '../io/metrics-file.js';
import type { LevelLogger } from '../log/deferred-logger.js';

export class MetricsWriter {
  private warned = false;

  constructor(
    private readonly logger: LevelLogger,
    private readonly clock: { now(): number },
    private readonly facts: StatusJsonFacts,
  ) {}

  write(state: SupervisorState): void {
    const metricsDir = state.config.settings.metricsDir;
    if (metricsDir === null) return;
    // The machine's last status write is made as it finishes: the file then says supervise_up 0.
    const supervised = state.phase !== 'finished';
    const text = encodePrometheusMetrics([
      { dir: this.facts.statusDir, supervised, status: statusJsonOf(state, this.facts, this.clock.now()) },
    ]);
    try {
      writeMetricsFile(metricsDir, state.name, text);
      this.warned = false;
    } catch (error) {
      if (!this.warned) this.logger.warning(`unable to write ${metricsFilePath(metricsDir, state.name)}: ${describeCause(error)}`);
      this.warned = true;
    }
  }
}
