// `npm run build:browser`: bundles bbans for browsers with esbuild and lays out demo/dist/ as a
// static site. The layout follows the URLs the code resolves against its own module:
//   lib/bbans.js          the ESM bundle (src/index.ts)
//   lib/frame-worker.js   the Web Worker that codes frames ('./frame-worker.js' from the bundle, src/workers/pool.ts)
//   build/bbans.wasm, build/tfjs-backend-wasm-simd.wasm   '../build/…' from the bundle (src/asset-urls.ts)
//   models/<name>/manifest.json, <network>/   '../models/…' from the bundle (src/asset-urls.ts)
// (esbuild leaves `new URL('…', import.meta.url)` as it is, so the files keep the package's layout.)
// plus the demo page and its MNIST sample.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const demo = path.join(root, 'demo');
const out = path.join(demo, 'dist');
const MODELS = ['mnist-binary', 'mnist-8bit', 'mnist-binary-ar', 'mnist-8bit-ar'];
const PAGE_FILES = ['index.html', 'demo.js', 'demo.css', 'mnist-test-sample.bin'];
// Modules that must never reach the browser bundle (they read files or train).
const NODE_ONLY = [/^src\/data\//, /^src\/train\//, /^src\/cli/, /^src\/bench\.ts$/, /^src\/model\/io\.ts$/];

const WASM_FILES = ['bbans.wasm', 'tfjs-backend-wasm-simd.wasm'];
if (!WASM_FILES.every((file) => existsSync(path.join(root, 'build', file)))) {
  console.error(`build/ lacks ${WASM_FILES.join(' or ')}: run \`npm run build:wasm\` first`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'lib'), { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'lib/bbans': 'src/index.ts', 'lib/frame-worker': 'src/workers/frame-worker.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
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
// A `node:` import, even a dynamic one that never runs in a browser, breaks webpack builds of apps.
const nodeImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.path.startsWith('node:')).map((i) => i.path));
if (nodeImports.length) {
  console.error(`the browser bundle imports ${[...new Set(nodeImports)].join(', ')}`);
  process.exit(1);
}

for (const file of WASM_FILES) cpSync(path.join(root, 'build', file), path.join(out, 'build', file));
for (const name of MODELS) {
  // The manifest and every network folder (encoder/, decoder/, pixel/ ...); the training checkpoint and log stay behind.
  for (const entry of readdirSync(path.join(root, 'models', name), { withFileTypes: true })) {
    if (entry.isDirectory() ? entry.name === 'checkpoint' : entry.name !== 'manifest.json') continue;
    cpSync(path.join(root, 'models', name, entry.name), path.join(out, 'models', name, entry.name), { recursive: true });
  }
}
for (const file of PAGE_FILES) cpSync(path.join(demo, file), path.join(out, file));

const kib = (file) => `${((result.metafile.outputs[`demo/dist/lib/${file}`]?.bytes ?? 0) / 1024).toFixed(0)} KiB`;
console.log(`demo/dist: bbans.js ${kib('bbans.js')}, frame-worker.js ${kib('frame-worker.js')}, build/bbans.wasm and tfjs-backend-wasm-simd.wasm, models ${MODELS.join(', ')}, page`);
