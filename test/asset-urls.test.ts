// src/asset-urls.ts lists each shipped model's files one by one (bundlers follow only literal
// URLs): the list must be exactly what models/ holds, or a bundled app would miss a file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_WASM_URL, SHIPPED_MODEL_FILES, TFJS_WASM_URL } from '../src/asset-urls.js';
import { SHIPPED_SPECS } from '../src/model/spec.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The files of a model directory that the package ships: the manifest and the network folders. */
function shippedFilesOf(name: string): string[] {
  const dir = path.join(root, 'models', name);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => statSync(path.join(dir, file)).isFile() && (file === 'manifest.json' || /^(encoder|decoder|pixel)\//.test(file)))
    .sort();
}

describe('asset URLs', () => {
  it('name every file of every shipped model, at its place in the package', () => {
    expect(Object.keys(SHIPPED_MODEL_FILES).sort()).toEqual(Object.keys(SHIPPED_SPECS).sort());
    for (const [name, files] of Object.entries(SHIPPED_MODEL_FILES)) {
      expect(Object.keys(files).sort(), name).toEqual(shippedFilesOf(name));
      for (const [file, url] of Object.entries(files)) expect(fileURLToPath(url)).toBe(path.join(root, 'models', name, file));
    }
  });

  it('point at the built WebAssembly files', () => {
    for (const url of [CORE_WASM_URL, TFJS_WASM_URL]) expect(existsSync(url), url.href).toBe(true);
  });
});
