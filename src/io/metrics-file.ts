// The textfile of node_exporter's textfile collector (SPEC section 14): one
// file per supervise, replaced atomically, so the collector never reads half
// of one. The collector reads only `*.prom`, so the `.new` file is ignored.
import { join } from 'node:path';
import { writeFileAtomically } from './status-file.js';

/** `supervise_MODULE.prom`; a module of a nested status directory (`a/b`) has no slash in its file name. */
export function metricsFileName(module: string): string {
  return `supervise_${module.replace(/\//g, '_')}.prom`;
}

export function metricsFilePath(metricsDir: string, module: string): string {
  return join(metricsDir, metricsFileName(module));
}

export function writeMetricsFile(metricsDir: string, module: string, text: string): void {
  writeFileAtomically(metricsFilePath(metricsDir, module), text);
}
