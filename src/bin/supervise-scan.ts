// supervise-scan: many services from one directory, in one process, in the
// foreground (SPEC section 13). Parses, checks SCANDIR, runs; the only process.exit.
// First: no inspector, whatever signal or environment we were given.
import '../io/refuse-inspector.js';
import { EXIT_SUCCESS, EXIT_UNEXPECTED } from '../core/exit-codes.js';
import { SuperviseError } from '../core/supervise-error.js';
import { parseScanArgs } from '../cli/supervise-scan-options.js';
import { setSuperviseTitle } from '../io/process-title.js';
import { assertDirectory } from '../io/status-dir.js';
import { runScan } from '../scan/run-scan.js';

try {
  const parsed = parseScanArgs(process.argv.slice(2));
  if (parsed.kind === 'print') {
    process.stdout.write(`${parsed.text}\n`);
    process.exit(EXIT_SUCCESS);
  } else {
    assertDirectory(parsed.options.scanDir);
    setSuperviseTitle(process.argv.slice(2), 'supervise-scan');
    runScan(parsed.options);
  }
} catch (error) {
  if (error instanceof SuperviseError) {
    process.stderr.write(`supervise-scan: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`supervise-scan: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(EXIT_UNEXPECTED);
}
