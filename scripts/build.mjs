// Bundles each entry point of src/bin into dist/ so a start reads few files.
// nodemailer is reached through a dynamic import, which esbuild splits into a
// chunk loaded on first mail.
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';

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
await build({
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
});

// bin/ runs `node` from PATH, or this one when PATH has none (cron's PATH,
// Node in /usr/local/bin): the Node the build ran on, which the bundles target.
writeFileSync('dist/node-path', `${process.execPath}\n`);
