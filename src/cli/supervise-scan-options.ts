// The supervise-scan command line (SPEC section 13) -> typed, read-only options.
// No fs: whether SCANDIR exists is the entry point's to check.
import yargs from 'yargs';
import { SuperviseError } from '../core/supervise-error.js';
import type { ScanOptions } from '../scan/run-scan.js';
import { VERSION } from './supervise-options.js';

export type ParsedScanCommandLine = { kind: 'run'; options: ScanOptions } | { kind: 'print'; text: string };

const USAGE = `Usage:
  supervise-scan [-F CONF_PATH] SCANDIR
  supervise-scan -v | -h

Supervises every subdirectory of SCANDIR that holds an executable run, in
this one process, in the foreground (default config SCANDIR/supervise.conf).`;

function usageError(message: string): SuperviseError {
  return new SuperviseError('bad-arguments', message);
}

export function parseScanArgs(argv: readonly string[]): ParsedScanCommandLine {
  const parsed = yargs([...argv])
    .scriptName('supervise-scan')
    .usage(USAGE)
    .option('F', { type: 'string', describe: 'config file, sections per service name' })
    .option('v', { type: 'boolean', describe: 'print the version' })
    .option('h', { type: 'boolean', describe: 'print this help' })
    .version(false)
    .help(false)
    .strictOptions()
    .parserConfiguration({ 'parse-positional-numbers': false, 'duplicate-arguments-array': false })
    .exitProcess(false)
    .fail((message, error) => {
      throw usageError(error?.message ?? message);
    })
    .parseSync();

  if (parsed.h) return { kind: 'print', text: USAGE };
  if (parsed.v) return { kind: 'print', text: `supervise-scan ${VERSION}` };
  const positional = parsed._.map(String);
  if (positional.length === 0 || positional[0] === '') throw usageError('missing SCANDIR');
  if (positional.length > 1) throw usageError(`unexpected argument ${JSON.stringify(positional[1])}`);
  if (parsed.F === '') throw usageError('-F expects a config file path');
  return { kind: 'run', options: { scanDir: positional[0], configPath: parsed.F ?? null } };
}
