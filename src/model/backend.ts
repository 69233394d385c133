// Selects the tfjs WebAssembly backend, single-threaded, with the SIMD kernels bbans ships in build/
// (a copy of the pinned @tensorflow/tfjs-backend-wasm's, src/asset-urls.ts), so every engine and
// every bundler runs the same binary from a URL the bundler itself emitted.
import * as tf from './tf.js';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { TFJS_WASM_URL } from '../asset-urls.js';
import { readWasmAsset } from '../assets.js';
import { BbansError } from '../errors.js';
import { requireNodeBuiltin } from '../node-builtins.js';
import { loadCore } from '../wasm.js';

// tfjs insists on an address for each of its binaries, but bbans only ever runs the SIMD one:
// threads stay off and engines without SIMD are refused before tfjs starts.
const TFJS_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export interface BackendOptions {
  /**
   * Where tfjs-backend-wasm-simd.wasm is served, when not from where the bundler put bbans's copy:
   * a directory URL ending in '/', or a map from tfjs's binary names to URLs (tfjs wants all
   * three names; only the SIMD one is fetched).
   */
  wasmPaths?: string | Record<string, string>;
}

let ready: Promise<void> | undefined;
let wasmPathsInUse: string | undefined;
let wasmPathsGiven: BackendOptions['wasmPaths'];

/** The wasmPaths the caller gave ready(), if any: workers load their tfjs from there too. */
export function givenWasmPaths(): BackendOptions['wasmPaths'] {
  return wasmPathsGiven;
}

/**
 * The shipped binary's address as tfjs wants it, once we have checked that it is one (so a page
 * served in its place fails naming the URL): a path in Node, where emscripten reads the file
 * itself; elsewhere a blob: URL of the bytes we already fetched, so they are not fetched twice.
 */
async function shippedWasmPaths(): Promise<Record<string, string>> {
  const bytes = await readWasmAsset(TFJS_WASM_URL, 'tfjs WebAssembly kernels');
  const where = TFJS_WASM_URL.protocol === 'file:'
    ? requireNodeBuiltin('node:url').fileURLToPath(TFJS_WASM_URL)
    : URL.createObjectURL(new Blob([bytes], { type: 'application/wasm' }));
  return Object.fromEntries(TFJS_BINARIES.map((name) => [name, where]));
}

// A tiny module that uses SIMD instructions (i32x4.splat, i8x16.popcnt), to refuse engines without SIMD before
// tfjs would fall back to its plain binary.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * tfjs's emscripten glue, as it starts in Node, adds process handlers that rethrow every uncaught
 * exception and unhandled rejection, which turns any later error of the host application into
 * exit code 7 ("uncaught exception handler threw"). bbans needs none of them: this takes back
 * whatever handlers starting the backend added, leaving the host's own.
 */
function keepProcessHandlers(): () => void {
  if (typeof process === 'undefined' || typeof process.listeners !== 'function') return () => {};
  const events = process as unknown as NodeJS.EventEmitter; // the plain emitter view: no overloads per event
  const before = PROCESS_EVENTS.map((event) => new Set(events.listeners(event)));
  return () => PROCESS_EVENTS.forEach((event, i) => {
    for (const listener of events.listeners(event)) if (!before[i]!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
  });
}

/**
 * Loads bbans's own core and makes 'wasm' the active tfjs backend (idempotent; compress,
 * decompress and loadModel call it themselves). To serve the tfjs binary from elsewhere, call it
 * with `wasmPaths` before the first compression. Threads stay off: one thread keeps every
 * kernel's summation order fixed, so Node and browsers compute the same network outputs and
 * hence the same bits.
 */
export function useWasmBackend(options: BackendOptions = {}): Promise<void> {
  const requested = options.wasmPaths === undefined ? undefined : JSON.stringify(options.wasmPaths);
  if (ready && requested !== undefined && requested !== wasmPathsInUse) {
    return Promise.reject(new BbansError('INVALID_ARGUMENT', 'the tfjs wasm backend is already initialised: pass wasmPaths to ready() before the first compress, decompress or loadModel'));
  }
  ready ??= (async () => {
    // tfjs ships a SIMD and a plain binary whose kernels round differently: a file written with
    // one failed to decode with the other (mnist-binary, measured). Every engine bbans supports
    // must therefore run the SIMD one, and an engine without wasm SIMD is refused, not allowed to
    // write files no other engine can read.
    if (!WebAssembly.validate(SIMD_PROBE)) {
      throw new BbansError('UNSUPPORTED_ENGINE', 'bbans needs WebAssembly SIMD (Node >= 16.4, Chrome 91, Firefox 89, Safari 16.4): the tfjs kernels without it compute different bits');
    }
    await loadCore();
    const wasmPaths = options.wasmPaths ?? (await shippedWasmPaths());
    wasmPathsInUse = JSON.stringify(wasmPaths);
    wasmPathsGiven = options.wasmPaths;
    setWasmPaths(wasmPaths);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    const restoreProcessHandlers = keepProcessHandlers();
    try {
      if (!(await tf.setBackend('wasm'))) throw new BbansError('ASSET_UNAVAILABLE', `tfjs: the wasm backend failed to initialise from ${JSON.stringify(wasmPaths)}`);
      await tf.ready();
    } finally {
      restoreProcessHandlers();
    }
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}
