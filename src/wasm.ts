// Loads the AssemblyScript core (build/bbans.wasm) once, lazily: importing bbans starts nothing
// and needs no top-level await, so it bundles for any target. The async entry points
// (compress, decompress, loadModel, ready) load it first; the synchronous coder API (Message,
// the codecs) finds it loaded, or in Node loads it there and then from the installed file. In a
// browser, call `await ready()` once before using the synchronous API.

import { checkWasmBytes, readWasmAsset } from './assets.js';
import { CORE_WASM_URL as wasmUrl } from './asset-urls.js';
import { BbansError } from './errors.js';
import { nodeBuiltin } from './node-builtins.js';

export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  [name: string]: unknown;
}

const WHAT = 'bbans WebAssembly module';

let loaded: CoreExports | undefined;
let loading: Promise<CoreExports> | undefined;

/** AssemblyScript strings are UTF-16 with their byte length stored just before the pointer. */
function readAsString(ptr: number): string {
  if (!ptr || !loaded) return '';
  const bytes = new Uint32Array(loaded.memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(loaded.memory.buffer, ptr, bytes >>> 1));
}

const imports = {
  env: {
    abort(message: number, file: number, line: number, column: number): never {
      throw new Error(`bbans wasm: ${readAsString(message)} (${readAsString(file)}:${line}:${column})`);
    },
  },
};

function instantiated(instance: WebAssembly.Instance): CoreExports {
  loaded ??= instance.exports as unknown as CoreExports;
  return loaded;
}

/** Loads the core module (once; later calls return the same promise). */
export function loadCore(): Promise<CoreExports> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= (async () => {
    const bytes = await readWasmAsset(wasmUrl, WHAT);
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    return instantiated(instance);
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/** The loaded core module, for the synchronous API. */
export function core(): CoreExports {
  if (loaded) return loaded;
  const fs = wasmUrl.protocol === 'file:' ? nodeBuiltin('node:fs') : undefined;
  if (!fs) {
    throw new BbansError('NOT_READY', "bbans's WebAssembly core is not loaded yet: `await ready()` once before using Message or the codecs directly (compress, decompress and loadModel load it themselves)");
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(fs.readFileSync(wasmUrl));
  } catch (error) {
    throw new BbansError('ASSET_UNAVAILABLE', `cannot load the ${WHAT} ${wasmUrl.pathname}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return instantiated(new WebAssembly.Instance(new WebAssembly.Module(checkWasmBytes(bytes, wasmUrl, WHAT)), imports));
}
