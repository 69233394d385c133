// Reads a file addressed by URL: from disk in Node (file:), by fetch elsewhere (a browser serves the
// package's files as they are). Every read has a byte limit, checked before the bytes are held, so
// a hostile or wrong source (a huge file, an HTML page served in place of a model) fails fast.

import { BbansError, type BbansErrorCode } from './errors.js';
import { requireNodeBuiltin } from './node-builtins.js';

/** Reads `url`, at most `maxBytes`; failures are BbansErrors with `code` naming the URL and `what` was wanted. */
export async function readAsset(url: URL, what: string, maxBytes: number, code: BbansErrorCode = 'INVALID_MODEL'): Promise<Uint8Array<ArrayBuffer>> {
  const fail = (problem: string): never => {
    throw new BbansError(code, `cannot load the ${what} ${url.protocol === 'file:' ? url.pathname : url.href}: ${problem}`);
  };
  const tooLarge = (): never => fail(`it is larger than ${maxBytes} bytes`);
  if (url.protocol === 'file:') {
    const { readFile, stat } = requireNodeBuiltin('node:fs/promises');
    const found = await stat(url).catch((error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    if (!found.isFile()) fail('not a regular file');
    if (found.size > maxBytes) tooLarge();
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url).catch((error: Error) => fail(error.message));
  if (!response.ok) fail(`HTTP ${response.status}`);
  // None of bbans's files is a web page: one served in a file's place (a dev server's fallback for
  // a missing file, with status 200) is named as such, not parsed as the file.
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) fail('the server answered with an HTML page instead of the file');
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) tooLarge();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body!.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    length += next.value.length;
    if (length > maxBytes) {
      await reader.cancel();
      tooLarge();
    }
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(length);
  chunks.reduce((at, chunk) => (bytes.set(chunk, at), at + chunk.length), 0);
  return bytes;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const MAX_WASM_BYTES = 1 << 24;

/** `bytes`, unless they are not a WebAssembly module: then an error naming the URL and what came instead (a dev server's index.html). */
export function checkWasmBytes(bytes: Uint8Array<ArrayBuffer>, url: URL, what: string): Uint8Array<ArrayBuffer> {
  if (WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    const start = new TextDecoder().decode(bytes.subarray(0, 40)).replace(/\s+/g, ' ');
    throw new BbansError('ASSET_UNAVAILABLE', `${url.href} is not the ${what}: it starts with "${start}" (a server answered with a page instead of the file?)`);
  }
  return bytes;
}

/** A WebAssembly module's bytes from `url`, checked to be one. */
export async function readWasmAsset(url: URL, what: string): Promise<Uint8Array<ArrayBuffer>> {
  return checkWasmBytes(await readAsset(url, what, MAX_WASM_BYTES, 'ASSET_UNAVAILABLE'), url, what);
}
