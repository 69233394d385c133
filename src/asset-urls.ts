// Every file bbans reads at run time, each addressed by a literal `new URL('…', import.meta.url)`:
// the one form that bundlers (Vite, webpack) follow, emitting the file into the app's build and
// rewriting the address, so an app that imports bbans needs no copied files and no configuration.
// A folder URL ('../models/') is not followed by bundlers, hence one entry per model file. All of
// them live in this one module so that a single-file bundle (demo/build.mjs) keeps one layout.
// test/asset-urls.test.ts checks the model table against the files under models/. This module
// sits under the WASM loader, so it imports nothing: the table is keyed by the shipped models'
// names (src/model/spec.ts) as literals, and src/models.ts, indexing it by ModelName, fails to
// compile if a shipped model has no entry.

/** The AssemblyScript core (assembly/ -> build/). */
export const CORE_WASM_URL = new URL('../build/bbans.wasm', import.meta.url);

/**
 * tfjs's SIMD kernels, copied from @tensorflow/tfjs-backend-wasm (the exact version bbans depends
 * on) into build/ by `npm run build:wasm`, so bundlers find it beside our own module.
 */
export const TFJS_WASM_URL = new URL('../build/tfjs-backend-wasm-simd.wasm', import.meta.url);

/** Each shipped model's files, by their path inside the model directory. */
export const SHIPPED_MODEL_FILES = {
  'mnist-binary': {
    'manifest.json': new URL('../models/mnist-binary/manifest.json', import.meta.url),
    'encoder/model.json': new URL('../models/mnist-binary/encoder/model.json', import.meta.url),
    'encoder/weights.bin': new URL('../models/mnist-binary/encoder/weights.bin', import.meta.url),
    'decoder/model.json': new URL('../models/mnist-binary/decoder/model.json', import.meta.url),
    'decoder/weights.bin': new URL('../models/mnist-binary/decoder/weights.bin', import.meta.url),
  },
  'mnist-8bit': {
    'manifest.json': new URL('../models/mnist-8bit/manifest.json', import.meta.url),
    'encoder/model.json': new URL('../models/mnist-8bit/encoder/model.json', import.meta.url),
    'encoder/weights.bin': new URL('../models/mnist-8bit/encoder/weights.bin', import.meta.url),
    'decoder/model.json': new URL('../models/mnist-8bit/decoder/model.json', import.meta.url),
    'decoder/weights.bin': new URL('../models/mnist-8bit/decoder/weights.bin', import.meta.url),
  },
  'mnist-binary-ar': {
    'manifest.json': new URL('../models/mnist-binary-ar/manifest.json', import.meta.url),
    'encoder/model.json': new URL('../models/mnist-binary-ar/encoder/model.json', import.meta.url),
    'encoder/weights.bin': new URL('../models/mnist-binary-ar/encoder/weights.bin', import.meta.url),
    'decoder/model.json': new URL('../models/mnist-binary-ar/decoder/model.json', import.meta.url),
    'decoder/weights.bin': new URL('../models/mnist-binary-ar/decoder/weights.bin', import.meta.url),
    'pixel/model.json': new URL('../models/mnist-binary-ar/pixel/model.json', import.meta.url),
    'pixel/weights.bin': new URL('../models/mnist-binary-ar/pixel/weights.bin', import.meta.url),
  },
  'mnist-8bit-ar': {
    'manifest.json': new URL('../models/mnist-8bit-ar/manifest.json', import.meta.url),
    'encoder/model.json': new URL('../models/mnist-8bit-ar/encoder/model.json', import.meta.url),
    'encoder/weights.bin': new URL('../models/mnist-8bit-ar/encoder/weights.bin', import.meta.url),
    'decoder/model.json': new URL('../models/mnist-8bit-ar/decoder/model.json', import.meta.url),
    'decoder/weights.bin': new URL('../models/mnist-8bit-ar/decoder/weights.bin', import.meta.url),
    'pixel/model.json': new URL('../models/mnist-8bit-ar/pixel/model.json', import.meta.url),
    'pixel/weights.bin': new URL('../models/mnist-8bit-ar/pixel/weights.bin', import.meta.url),
  },
  'mnist-binary-pred': {
    'manifest.json': new URL('../models/mnist-binary-pred/manifest.json', import.meta.url),
    'encoder/model.json': new URL('../models/mnist-binary-pred/encoder/model.json', import.meta.url),
    'encoder/weights.bin': new URL('../models/mnist-binary-pred/encoder/weights.bin', import.meta.url),
    'decoder/model.json': new URL('../models/mnist-binary-pred/decoder/model.json', import.meta.url),
    'decoder/weights.bin': new URL('../models/mnist-binary-pred/decoder/weights.bin', import.meta.url),
    'pixel/model.json': new URL('../models/mnist-binary-pred/pixel/model.json', import.meta.url),
    'pixel/weights.bin': new URL('../models/mnist-binary-pred/pixel/weights.bin', import.meta.url),
  },
  'mnist-8bit-pred': {
    'manifest.json': new URL('../models/mnist-8bit-pred/manifest.json', import.meta.url),
    'encoder/model.json': new URL('../models/mnist-8bit-pred/encoder/model.json', import.meta.url),
    'encoder/weights.bin': new URL('../models/mnist-8bit-pred/encoder/weights.bin', import.meta.url),
    'decoder/model.json': new URL('../models/mnist-8bit-pred/decoder/model.json', import.meta.url),
    'decoder/weights.bin': new URL('../models/mnist-8bit-pred/decoder/weights.bin', import.meta.url),
    'pixel/model.json': new URL('../models/mnist-8bit-pred/pixel/model.json', import.meta.url),
    'pixel/weights.bin': new URL('../models/mnist-8bit-pred/pixel/weights.bin', import.meta.url),
  },
} satisfies Record<string, Record<string, URL>>;
