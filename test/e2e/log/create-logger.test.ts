// supervise.log / supervise.log.wf against real files: routing, format,
// rotation to NAME.1, re-creation after rm and mv, and surviving failures.
// Files are read back right after each call, without waiting: winston 3 hands
// each line to the transport before log() returns, and the transport writes it
// at once. winston does not promise the first half, so the daemon does not
// lean on it (it awaits close() before it exits); these tests would notice if
// it changed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  createSuperviseLogger,
  DEFAULT_LOG_MAX_BYTES,
  readLogMaxBytes,
  type SuperviseLogger,
} from '../../../src/log/create-logger.js';
import { LogFileError } from '../../../src/log/reopening-file-transport.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXED_TIME = new Date(2026, 10, 21, 15, 51, 21);
const STAMP = '2026-11-21 15:51:21';
const now = (): Date => FIXED_TIME;

function notice(message: string): string {
  return `[NOTICE] ${STAMP} ${message}\n`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Where a /proc/self/fd entry points, or null for one that closed while listing. */
function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function openLogger(dir: string, maxBytes?: number): SuperviseLogger {
  const logger = createSuperviseLogger({ dir, now, ...(maxBytes === undefined ? {} : { maxBytes }) });
  onTestFinished(() => logger.close());
  return logger;
}

describe('createSuperviseLogger', () => {
  it('writes NOTICE lines to supervise.log and WARNING and FATAL lines to supervise.log.wf', () => {
    const dir = makeTempDir();
    const logger = openLogger(dir);
    logger.notice('service redis started, pid 1234');
    logger.warning('unable to open supervise.conf: ENOENT');
    logger.fatal('unable to start ./app');
    logger.notice('printf-looking text stays as it is: %s %d {}');

    expect(read(join(dir, 'supervise.log'))).toBe(
      notice('service redis started, pid 1234') + notice('printf-looking text stays as it is: %s %d {}'),
    );
    expect(read(join(dir, 'supervise.log.wf'))).toBe(
      `[WARNING] ${STAMP} unable to open supervise.conf: ENOENT\n[FATAL] ${STAMP} unable to start ./app\n`,
    );
  });

  it('creates both files at once, private to the owner, and appends to existing ones', () => {
    const dir = makeTempDir();
    openLogger(dir).close();
    expect(statSync(join(dir, 'supervise.log')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'supervise.log.wf')).size).toBe(0);

    openLogger(dir).notice('first run');
    openLogger(dir).notice('second run');
    expect(read(join(dir, 'supervise.log'))).toBe(notice('first run') + notice('second run'));
  });

  it('escapes a newline in a message instead of starting a forged line', () => {
    const dir = makeTempDir();
    openLogger(dir).notice(`x\n[FATAL] ${STAMP} forged`);
    expect(read(join(dir, 'supervise.log'))).toBe(notice(`x\\n[FATAL] ${STAMP} forged`));
  });

  it('renames a file that would pass maxBytes to NAME.1 and starts a new one; a second rotation replaces NAME.1', () => {
    const dir = makeTempDir();
    const lineBytes = notice('line 1').length;
    const logger = openLogger(dir, 3 * lineBytes);
    const path = join(dir, 'supervise.log');

    for (const n of [1, 2, 3]) logger.notice(`line ${n}`);
    expect(existsSync(`${path}.1`)).toBe(false);
    logger.notice('line 4');
    expect(read(`${path}.1`)).toBe(notice('line 1') + notice('line 2') + notice('line 3'));
    expect(read(path)).toBe(notice('line 4'));

    for (const n of [5, 6, 7]) logger.notice(`line ${n}`);
    expect(read(`${path}.1`)).toBe(notice('line 4') + notice('line 5') + notice('line 6'));
    expect(read(path)).toBe(notice('line 7'));
    expect(existsSync(join(dir, 'supervise.log.wf.1'))).toBe(false);
  });

  it('rotates supervise.log.wf on its own size', () => {
    const dir = makeTempDir();
    const logger = openLogger(dir, 100);
    logger.warning('w'.repeat(60));
    logger.warning('second');
    expect(read(join(dir, 'supervise.log.wf.1'))).toBe(`[WARNING] ${STAMP} ${'w'.repeat(60)}\n`);
    expect(read(join(dir, 'supervise.log.wf'))).toBe(`[WARNING] ${STAMP} second\n`);
  });

  it('writes a line longer than maxBytes into an empty file rather than rotating forever', () => {
    const dir = makeTempDir();
    const logger = openLogger(dir, 10);
    logger.notice('longer than ten bytes');
    logger.notice('next');
    expect(read(join(dir, 'supervise.log.1'))).toBe(notice('longer than ten bytes'));
    expect(read(join(dir, 'supervise.log'))).toBe(notice('next'));
  });

  it('keeps appending past maxBytes when NAME.1 cannot be replaced, rather than losing lines', () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'supervise.log.1'));
    const logger = openLogger(dir, notice('line 1').length);
    logger.notice('line 1');
    logger.notice('line 2');
    expect(read(join(dir, 'supervise.log'))).toBe(notice('line 1') + notice('line 2'));

    rmSync(join(dir, 'supervise.log.1'), { recursive: true });
    logger.notice('line 3');
    expect(read(join(dir, 'supervise.log.1'))).toBe(notice('line 1') + notice('line 2'));
    expect(read(join(dir, 'supervise.log'))).toBe(notice('line 3'));
  });

  it('re-creates supervise.log after `rm supervise.log`', () => {
    const dir = makeTempDir();
    const logger = openLogger(dir);
    logger.notice('before rm');
    unlinkSync(join(dir, 'supervise.log'));
    logger.notice('after rm');
    expect(read(join(dir, 'supervise.log'))).toBe(notice('after rm'));
  });

  it('re-creates supervise.log after `mv supervise.log other`, leaving the old lines in other', () => {
    const dir = makeTempDir();
    const logger = openLogger(dir);
    logger.notice('before mv');
    renameSync(join(dir, 'supervise.log'), join(dir, 'other'));
    logger.notice('after mv');
    expect(read(join(dir, 'supervise.log'))).toBe(notice('after mv'));
    expect(read(join(dir, 'other'))).toBe(notice('before mv'));
  });

  it('does not throw while the directory is gone, and resumes with a count of lost lines once it is back', () => {
    const dir = makeTempDir();
    const logger = openLogger(dir);
    logger.notice('before rmdir');
    rmSync(dir, { recursive: true });

    expect(() => {
      logger.notice('lost 1');
      logger.notice('lost 2');
      logger.fatal('lost 3');
    }).not.toThrow();
    expect(existsSync(dir)).toBe(false);

    mkdirSync(dir);
    logger.notice('back');
    logger.fatal('back too');
    expect(read(join(dir, 'supervise.log'))).toBe(
      notice(`2 log lines lost: unable to open ${join(dir, 'supervise.log')}: ENOENT: no such file or directory`) +
        notice('back'),
    );
    expect(read(join(dir, 'supervise.log.wf'))).toBe(
      `[WARNING] ${STAMP} 1 log line lost: unable to open ${join(dir, 'supervise.log.wf')}: ENOENT: no such file or directory\n` +
        `[FATAL] ${STAMP} back too\n`,
    );
  });

  it('ignores calls after close and may be closed twice', async () => {
    const dir = makeTempDir();
    const logger = createSuperviseLogger({ dir, now });
    logger.notice('open');
    const first = logger.close();
    const second = logger.close();
    expect(() => logger.fatal('after close')).not.toThrow();
    await Promise.all([first, second]);
    await logger.close();
    expect(read(join(dir, 'supervise.log'))).toBe(notice('open'));
    expect(read(join(dir, 'supervise.log.wf'))).toBe('');
  });

  it('resolves close() with every line in the files and both files closed', async () => {
    const dir = makeTempDir();
    const logger = createSuperviseLogger({ dir, now });
    const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => readlinkOrNull(`/proc/self/fd/${fd}`)?.startsWith(dir) === true);
    expect(openFiles()).toHaveLength(2);
    for (let n = 1; n <= 3; n++) logger.notice(`line ${n}`);
    logger.fatal('last words');
    await logger.close();
    expect(read(join(dir, 'supervise.log'))).toBe(notice('line 1') + notice('line 2') + notice('line 3'));
    expect(read(join(dir, 'supervise.log.wf'))).toBe(`[FATAL] ${STAMP} last words\n`);
    expect(openFiles()).toEqual([]);
  });

  it('reports a directory it cannot open a log file in, naming the path', () => {
    const dir = join(makeTempDir(), 'missing');
    const open = () => createSuperviseLogger({ dir, now });
    expect(open).toThrow(LogFileError);
    expect(open).toThrow(`unable to open ${join(dir, 'supervise.log')}: ENOENT: no such file or directory`);
  });
});

describe('readLogMaxBytes', () => {
  it('defaults to 1.8 GB in decimal bytes, as the original supervise', () => {
    expect(DEFAULT_LOG_MAX_BYTES).toBe(1_800_000_000);
    expect(readLogMaxBytes({})).toBe(1_800_000_000);
    expect(readLogMaxBytes({ SUPERVISE_LOG_MAX_BYTES: '' })).toBe(1_800_000_000);
  });

  it('takes a positive integer from SUPERVISE_LOG_MAX_BYTES', () => {
    expect(readLogMaxBytes({ SUPERVISE_LOG_MAX_BYTES: '4096' })).toBe(4096);
  });

  it.each(['0', '-1', '1.5', '1e3', 'abc', ' 10', '99999999999999999999'])('rejects %j, naming the variable', (text) => {
    expect(() => readLogMaxBytes({ SUPERVISE_LOG_MAX_BYTES: text })).toThrow(
      `SUPERVISE_LOG_MAX_BYTES must be a positive integer number of bytes, got ${JSON.stringify(text)}`,
    );
  });
});

// A real process: the same code bundled as the build bundles it, so what is
// checked is what the daemon runs, including exiting right after a log call.
describe('in a process of its own', () => {
  let bundleDir = '';
  let script = '';

  beforeAll(() => {
    bundleDir = mkdtempSync(join(tmpdir(), 'supervise-log-child-'));
    script = join(bundleDir, 'log-child.cjs');
    buildSync({
      stdin: {
        resolveDir: REPO_ROOT,
        loader: 'ts',
        contents: `
          import { renameSync } from 'node:fs';
          import { join } from 'node:path';
          import { createSuperviseLogger } from './src/log/create-logger.ts';
          const [mode, dir] = process.argv.slice(2);
          const logger = createSuperviseLogger({ dir });
          if (mode === 'exit-at-once') {
            logger.notice('notice just before exit');
            logger.fatal('fatal just before exit');
            logger.notice('last notice before exit');
          } else if (mode === 'close-then-exit') {
            logger.notice('notice before close');
            logger.fatal('fatal before close');
            logger.close().then(() => process.exit(0));
          } else if (mode === 'many') {
            for (let n = 1; n <= 5; n++) logger.notice('line ' + n);
          } else if (mode === 'fill') {
            for (let n = 1; n <= 40; n++) logger.notice('line ' + n + ' ' + 'x'.repeat(80));
            renameSync(join(dir, 'supervise.log'), join(dir, 'full.log'));
            logger.notice('space is back');
          }
          if (mode !== 'close-then-exit') process.exit(0);
        `,
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: script,
      logLevel: 'error',
    });
  });

  afterAll(() => {
    if (bundleDir !== '') rmSync(bundleDir, { recursive: true, force: true });
  });

  function runChild(command: string[], mode: string, dir: string, env: NodeJS.ProcessEnv = {}) {
    const [file, ...args] = [...command, process.execPath, script, mode, dir];
    const result = spawnSync(file!, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
    expect(result.error).toBeUndefined();
    expect({ status: result.status, signal: result.signal, stderr: result.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
  }

  it('keeps lines logged right before process.exit', () => {
    const dir = makeTempDir();
    runChild([], 'exit-at-once', dir);
    expect(read(join(dir, 'supervise.log'))).toMatch(
      /^\[NOTICE\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d notice just before exit\n\[NOTICE\] [-\d]{10} [:\d]{8} last notice before exit\n$/,
    );
    expect(read(join(dir, 'supervise.log.wf'))).toMatch(/^\[FATAL\] [-\d]{10} [:\d]{8} fatal just before exit\n$/);
  });

  it('keeps every line logged before close(), which the daemon awaits before it exits', () => {
    const dir = makeTempDir();
    runChild([], 'close-then-exit', dir);
    expect(read(join(dir, 'supervise.log'))).toMatch(/^\[NOTICE\] [-\d]{10} [:\d]{8} notice before close\n$/);
    expect(read(join(dir, 'supervise.log.wf'))).toMatch(/^\[FATAL\] [-\d]{10} [:\d]{8} fatal before close\n$/);
  });

  it('lowers the size limit from SUPERVISE_LOG_MAX_BYTES', () => {
    const dir = makeTempDir();
    const lineBytes = '[NOTICE] 2026-11-21 15:51:21 line 1\n'.length;
    runChild([], 'many', dir, { SUPERVISE_LOG_MAX_BYTES: String(2 * lineBytes) });
    expect(read(join(dir, 'supervise.log.1'))).toMatch(/ line 3\n.* line 4\n$/);
    expect(read(join(dir, 'supervise.log'))).toMatch(/^[^\n]* line 5\n$/);
  });

  it('survives EFBIG past RLIMIT_FSIZE, keeps whole lines only, and resumes with a count of lost lines', () => {
    const dir = makeTempDir();
    const limit = 2000;
    runChild(['prlimit', `--fsize=${limit}`, '--'], 'fill', dir);

    const full = read(join(dir, 'full.log'));
    const lines = full.split('\n').slice(0, -1);
    expect(full.endsWith('\n')).toBe(true);
    expect(full.length).toBeLessThanOrEqual(limit);
    lines.forEach((line, index) => expect(line).toMatch(new RegExp(`^\\[NOTICE\\] [-\\d]{10} [:\\d]{8} line ${index + 1} x{80}$`)));
    const lost = 40 - lines.length;
    expect(lost).toBeGreaterThan(0);

    expect(read(join(dir, 'supervise.log'))).toMatch(
      new RegExp(
        `^\\[NOTICE\\] [-\\d]{10} [:\\d]{8} ${lost} log lines lost: unable to write ${escapeRegExp(join(dir, 'supervise.log'))}: EFBIG: file too large\n` +
          `\\[NOTICE\\] [-\\d]{10} [:\\d]{8} space is back\n$`,
      ),
    );
  });
});
