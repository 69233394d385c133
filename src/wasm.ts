// Loads the AssemblyScript core (build/bbans.wasm) once, at import time.
// The path is resolved against this module so it works from src/ (tests), dist/ (the package)
// and a browser that serves the package as plain ESM.

import { readAsset } from './assets.js';
import { BbansError } from './errors.js';

export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  [name: string]: unknown;
}

const wasmUrl = new URL('../build/bbans.wasm', import.meta.url);

let memoryForAbort: WebAssembly.Memory | undefined;

/** AssemblyScript strings are UTF-16 with their byte length stored just before the pointer. */
function readAsString(ptr: number): string {
  if (!ptr || !memoryForAbort) return '';
  const bytes = new Uint32Array(memoryForAbort.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memoryForAbort.buffer, ptr, bytes >>> 1));
}

const imports = {
  env: {
    abort(message: number, file: number, line: number, column: number): never {
      throw new Error(`bbans wasm: ${readAsString(message)} (${readAsString(file)}:${line}:${column})`);
    },
  },
};

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** The module's bytes, refused with a clear error when the server sent something else (a dev server's index.html). */
async function moduleBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await readAsset(wasmUrl, 'bbans WebAssembly module', 1 << 24, 'ASSET_UNAVAILABLE');
  if (WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    const start = new TextDecoder().decode(bytes.subarray(0, 40)).replace(/\s+/g, ' ');
    throw new BbansError('ASSET_UNAVAILABLE', `${wasmUrl.href} is not the bbans WebAssembly module: it starts with "${start}" (a server answered with a page instead of the file?)`);
  }
  return bytes;
}

const instance = await WebAssembly.instantiate(await WebAssembly.compile(await moduleBytes()), imports);
export const core = instance.exports as unknown as CoreExports;
memoryForAbort = core.memory;
