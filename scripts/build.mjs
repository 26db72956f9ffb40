// Bundles each entry point of src/bin into dist/ so a start reads few files.
// fs-ext is a native addon and stays in node_modules; nodemailer is reached
// through a dynamic import, which esbuild splits into a chunk loaded on first mail.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

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
  external: ['fs-ext'],
  // Bundled CommonJS code (winston, nodemailer) calls require() for node builtins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  // V8 keeps every module's source text in memory for the daemon's whole life.
  minify: true,
  logLevel: 'warning',
});
