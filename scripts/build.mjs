// Bundles each entry point of src/bin into dist/ so a start reads few files.
// nodemailer is reached through a dynamic import, which esbuild splits into a
// chunk loaded on first mail.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * winston brings readable-stream, a copy of Node's streams for old Node
 * versions, and @dabh/diagnostics, its debug printer. Every daemon keeps what
 * it loads for its whole life, so the copy is replaced by Node's own stream
 * module (readable-stream 3 is Node 10's streams, the same API) and the debug
 * printer by a no-op.
 */
const leanWinston = {
  name: 'lean-winston',
  setup(build) {
    build.onResolve({ filter: /^readable-stream(\/lib\/_stream_writable\.js)?$/ }, (args) => ({
      path: args.path,
      namespace: 'lean-winston',
    }));
    build.onResolve({ filter: /^@dabh\/diagnostics$/ }, () => ({ path: 'diagnostics', namespace: 'lean-winston' }));
    build.onLoad({ filter: /.*/, namespace: 'lean-winston' }, (args) => {
      if (args.path === 'readable-stream') return { contents: "module.exports = require('node:stream');", loader: 'js' };
      if (args.path === 'diagnostics') {
        return { contents: 'function noop() {}\nmodule.exports = function diagnostics() { return noop; };', loader: 'js' };
      }
      return { contents: "module.exports = require('node:stream').Writable;", loader: 'js' };
    });
  },
};

const entryPoints = readdirSync('src/bin')
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `src/bin/${name}`);

rmSync('dist', { recursive: true, force: true });
const { metafile } = await build({
  entryPoints,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS code (winston, nodemailer) calls require() for node builtins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  // V8 keeps every module's source text in memory for the daemon's whole life.
  minify: true,
  logLevel: 'warning',
  plugins: [leanWinston],
  metafile: true,
});

// bin/ runs `node` from PATH, or this one when PATH has none (cron's PATH,
// Node in /usr/local/bin): the Node the build ran on, which the bundles target.
writeFileSync('dist/node-path', `${process.execPath}\n`);

/**
 * The bundles carry other packages' code, minified and without their
 * comments, and the installed package has no node_modules: their licenses
 * go into one file beside the bundles.
 */
function writeThirdPartyLicenses() {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], input.slice(0, match.index + match[0].length));
  }
  const sections = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const { version, license } = JSON.parse(readFileSync(`${dir}package.json`, 'utf8'));
    const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
    const text = file ? readFileSync(`${dir}${file}`, 'utf8').trim() : `(no license file; package.json says ${license})`;
    return `${name} ${version} (${license})\n\n${text}\n`;
  });
  writeFileSync('dist/THIRD-PARTY-LICENSES.txt', `Bundled into dist/ by scripts/build.mjs:\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`);
}
writeThirdPartyLicenses();

/**
 * man/NAME.SECTION.md -> dist/man/NAME.SECTION with marked-man, so the pages
 * ship built (package.json "man") and nothing is built at install time.
 */
function buildManPages() {
  const manifest = createRequire(import.meta.url).resolve('marked-man/package.json');
  const markedMan = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin['marked-man']);
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  mkdirSync('dist/man');
  for (const source of readdirSync('man').filter((name) => /\.\d\.md$/.test(name))) {
    const page = execFileSync(process.execPath, [markedMan, '--no-breaks', '--version', version, '--manual', 'supervise', `man/${source}`], {
      encoding: 'utf8',
    });
    writeFileSync(`dist/man/${source.slice(0, -'.md'.length)}`, page);
  }
}
buildManPages();
