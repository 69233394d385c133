// ready({ wasmPaths }) points tfjs at binaries served somewhere other than bbans's own copy, and
// refuses a second, different setting once the backend is running; pages served in place of the
// WebAssembly files fail naming the URL.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSession, haveChromium, openDemo } from './browser.js';

// Only the SIMD binary: bbans keeps tfjs single-threaded and refuses engines without SIMD.
const TFJS_FILES = ['tfjs-backend-wasm-simd.wasm'];
const tfjsDist = path.join(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const extra: Record<string, string | Uint8Array> = {
  '/test/blank.html': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>blank</title>',
  ...Object.fromEntries(TFJS_FILES.map((file) => [`/test/elsewhere/${file}`, readFileSync(path.join(tfjsDist, file))])),
};

describe.skipIf(!haveChromium)('ready({ wasmPaths })', () => {
  let demo: DemoSession;
  beforeAll(async () => { demo = await openDemo(extra); });
  afterAll(() => demo?.close());

  it('loads the tfjs binaries from the given directory, and refuses another one later', async () => {
    const page = await demo.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const defaultRequests: string[] = [];
    // The default location must not be touched: answer it with a 404 and record the attempt.
    await page.route('**/build/tfjs-backend-wasm*.wasm', (route) => (defaultRequests.push(route.request().url()), route.fulfill({ status: 404 })));
    await page.goto(`${demo.url}test/blank.html`);
    // Strings, so vitest's transform leaves the import() alone.
    await page.evaluate(`import('/lib/bbans.js').then((module) => { window.bbans = module; })`);
    const outcome = await page.evaluate(async () => {
      const bbans = (window as any).bbans;
      await bbans.ready({ wasmPaths: '/test/elsewhere/' });
      const pixels = new Uint8Array(784).map((_, i) => ((i % 28) - 14) ** 2 + ((i / 28 | 0) - 14) ** 2 < 60 ? 1 : 0);
      const decoded = await bbans.decompress(await bbans.compress(pixels, { model: 'mnist-binary' }));
      const again = await bbans.ready({ wasmPaths: '/somewhere/else/' }).then(() => 'accepted', (error: any) => error.code);
      return { equal: decoded.data.every((v: number, i: number) => v === pixels[i]), again};
    });
    expect(outcome.equal).toBe(true);
    expect(outcome.again).toBe('INVALID_ARGUMENT');
    expect(defaultRequests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  // A page served in a file's place: labelled text/html (a dev server's fallback), or not labelled at all.
  for (const [file, what] of [['bbans.wasm', 'bbans WebAssembly module'], ['tfjs-backend-wasm-simd.wasm', 'tfjs WebAssembly kernels']]) {
    for (const [contentType, expected] of [
      ['text/html', `${file}: the server answered with an HTML page instead of the file`],
      ['application/octet-stream', `${file} is not the ${what}: it starts with "<!doctype html> <html><body>app`],
    ]) {
      it(`a page served as ${contentType} in place of ${file} fails naming the URL, not with "expected magic word"`, async () => {
        const page = await demo.browser.newPage();
        await page.route(`**/build/${file}`, (route) => route.fulfill({ status: 200, contentType, body: '<!doctype html>\n<html><body>app</body></html>' }));
        await page.goto(`${demo.url}test/blank.html`);
        // Importing loads nothing; the first call that needs the file reports it.
        const message = await page.evaluate(`import('/lib/bbans.js').then((bbans) => bbans.ready()).then(() => 'loaded', (error) => error.message)`);
        expect(message).toContain(`${demo.url}build/${expected}`);
        await page.close();
      });
    }
  }
});
