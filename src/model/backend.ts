// Selects the tfjs WebAssembly backend, single-threaded. In Node the .wasm binaries are read
// from the installed @tensorflow/tfjs-backend-wasm package instead of being fetched.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | undefined;

async function wasmDirectoryInNode(): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/**
 * Makes 'wasm' the active tfjs backend (idempotent). Threads stay off: the machine is shared, and
 * one thread keeps every kernel's summation order fixed.
 */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    if (typeof process !== 'undefined' && process.versions?.node) setWasmPaths(await wasmDirectoryInNode());
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
    await tf.ready();
  })();
  return ready;
}
