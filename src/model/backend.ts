// Selects the tfjs WebAssembly backend, single-threaded, and tells it where its .wasm binaries are.
// In Node they are read from the installed @tensorflow/tfjs-backend-wasm package; in a browser they
// are fetched, by default from the directory of the module holding this code (in a bundle: copy
// tfjs-backend-wasm*.wasm next to the bundle), or from wherever `wasmPaths` says.
import * as tf from './tf.js';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BbansError } from '../errors.js';

export interface BackendOptions {
  /**
   * Where the tfjs wasm binaries (tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm; threads
   * stay off, so never the threaded one) are served: a directory URL ending in '/', or a map from
   * each file name to its URL. Default: the installed package in Node; in a browser, the
   * directory of the module that contains this code (the bundle).
   */
  wasmPaths?: string | Record<string, string>;
}

let ready: Promise<void> | undefined;
let wasmPathsInUse: string | undefined;

const moduleUrl = new URL(import.meta.url);

async function wasmDirectoryInNode(): Promise<string> {
  // Behind the file: check so a browser bundle never evaluates these imports.
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(moduleUrl);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

async function defaultWasmPaths(): Promise<string> {
  return moduleUrl.protocol === 'file:' ? wasmDirectoryInNode() : new URL('./', moduleUrl).href;
}

/**
 * Makes 'wasm' the active tfjs backend (idempotent; compress/decompress call it themselves). To
 * serve the tfjs binaries from elsewhere, call it with `wasmPaths` before the first compression.
 * Threads stay off: one thread keeps every kernel's summation order fixed, so Node and browsers
 * compute the same network outputs and hence the same bits.
 */
export function useWasmBackend(options: BackendOptions = {}): Promise<void> {
  const requested = options.wasmPaths === undefined ? undefined : JSON.stringify(options.wasmPaths);
  if (ready && requested !== undefined && requested !== wasmPathsInUse) {
    return Promise.reject(new BbansError('INVALID_ARGUMENT', 'the tfjs wasm backend is already initialised: pass wasmPaths to ready() before the first compress, decompress or loadModel'));
  }
  ready ??= (async () => {
    const wasmPaths = options.wasmPaths ?? (await defaultWasmPaths());
    wasmPathsInUse = JSON.stringify(wasmPaths);
    setWasmPaths(wasmPaths);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
    await tf.ready();
    // tfjs ships a SIMD and a plain binary whose kernels round differently: a file written with
    // one failed to decode with the other (mnist-binary, measured). Every engine bbans supports
    // must therefore run the SIMD one, and an engine without wasm SIMD is refused, not allowed to
    // write files no other engine can read.
    if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
      throw new Error('bbans needs WebAssembly SIMD (Node >= 16.4, Chrome 91, Firefox 89, Safari 16.4): the tfjs kernels without it compute different bits');
    }
  })();
  return ready;
}
