// `npm run build:browser`: bundles bbans for browsers with esbuild and lays out demo/dist/ as a
// static site. The layout follows the URLs the code resolves against its own module:
//   lib/bbans.js          the ESM bundle (src/index.ts)
//   lib/tfjs-backend-wasm{,-simd}.wasm   tfjs's binaries, next to the bundle (backend.ts default)
//   build/bbans.wasm      '../build/bbans.wasm' from the bundle (wasm.ts)
//   models/<name>/manifest.json, <network>/   '../models/' from the bundle (models.ts)
// plus the demo page and its MNIST sample.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const demo = path.join(root, 'demo');
const out = path.join(demo, 'dist');
const MODELS = ['mnist-binary', 'mnist-8bit', 'mnist-binary-ar', 'mnist-8bit-ar'];
const PAGE_FILES = ['index.html', 'demo.js', 'demo.css', 'mnist-test-sample.bin'];
// Modules that must never reach the browser bundle (they read files or train).
const NODE_ONLY = [/^src\/data\//, /^src\/train\//, /^src\/cli/, /^src\/bench\.ts$/, /^src\/model\/io\.ts$/];

const coreWasm = path.join(root, 'build', 'bbans.wasm');
if (!existsSync(coreWasm)) {
  console.error('build/bbans.wasm is missing: run `npm run build:wasm` first');
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'lib'), { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'lib/bbans': 'src/index.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022', // top-level await (wasm.ts) needs it
  // Only reached behind `protocol === 'file:'` checks, i.e. in Node; left as dynamic imports.
  external: ['node:*'],
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const leaked = Object.keys(result.metafile.inputs).filter((input) => NODE_ONLY.some((pattern) => pattern.test(input)));
if (leaked.length) {
  console.error(`Node-only modules reached the browser bundle: ${leaked.join(', ')}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const tfjsWasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
// bbans keeps tfjs single-threaded, so the threaded-simd binary is never fetched.
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
  cpSync(path.join(tfjsWasmDir, file), path.join(out, 'lib', file));
}
cpSync(coreWasm, path.join(out, 'build', 'bbans.wasm'));
for (const name of MODELS) {
  // The manifest and every network folder (encoder/, decoder/, pixel/ ...); the training checkpoint and log stay behind.
  for (const entry of readdirSync(path.join(root, 'models', name), { withFileTypes: true })) {
    if (entry.isDirectory() ? entry.name === 'checkpoint' : entry.name !== 'manifest.json') continue;
    cpSync(path.join(root, 'models', name, entry.name), path.join(out, 'models', name, entry.name), { recursive: true });
  }
}
for (const file of PAGE_FILES) cpSync(path.join(demo, file), path.join(out, file));

const bundleBytes = result.metafile.outputs['demo/dist/lib/bbans.js']?.bytes ?? 0;
console.log(`demo/dist: bbans.js ${(bundleBytes / 1024).toFixed(0)} KiB, tfjs wasm, build/bbans.wasm, models ${MODELS.join(', ')}, page`);
