// Copies tfjs's SIMD kernels from the installed @tensorflow/tfjs-backend-wasm into build/, where
// src/asset-urls.ts addresses them (part of `npm run build:wasm`). The binary must match that
// package's JavaScript glue exactly, so the installed version must be the one package.json pins.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const tfjsPackage = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
const installed = JSON.parse(readFileSync(tfjsPackage, 'utf8')).version;
const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies['@tensorflow/tfjs-backend-wasm'];
if (installed !== pinned) {
  console.error(`@tensorflow/tfjs-backend-wasm ${installed} is installed, package.json pins ${pinned}: run npm ci`);
  process.exit(1);
}
mkdirSync(path.join(root, 'build'), { recursive: true });
copyFileSync(path.join(path.dirname(tfjsPackage), 'dist', 'tfjs-backend-wasm-simd.wasm'), path.join(root, 'build', 'tfjs-backend-wasm-simd.wasm'));
