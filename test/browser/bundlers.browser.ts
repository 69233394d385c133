// `import { compress, decompress } from 'bbans'` works from the packed tarball in a fresh Vite app
// (build + preview, and the dev server) and a fresh webpack app, with no config and no copied
// files: every WebAssembly and model file must reach the page through the bundler alone, and the
// page must make exactly Node's bytes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress } from '../../src/index.js';
import { toHex } from '../../src/sha256.js';
import { createViteApp, createWebpackApp, packTarball, type Served, stopAll, viteDev, vitePreview, webpackStatic } from './bundler-apps.js';
import { testImages } from './bundler-page.js';
import { haveChromium, launchChromium, recordErrors } from './browser.js';

/** What main.js reports (bundler-page.ts). */
interface PageResult { ok: boolean; bytes?: string; error?: string }

/** Loads the page and waits for its report; the errors it logged on the way. */
async function visit(browser: Browser, url: string): Promise<{ result: PageResult; errors: string[] }> {
  const page = await browser.newPage();
  const errors = recordErrors(page);
  try {
    await page.goto(url);
    // Waits across reloads: Vite's dev server reloads the page if it re-optimizes dependencies.
    const report = await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 30_000 }).catch((error: Error) => {
      throw new Error(`${url} reported no result (${error.message.split('\n')[0]}); page errors: ${JSON.stringify(errors, null, 2)}`);
    });
    return { result: JSON.parse((await report.jsonValue()) as string), errors };
  } finally {
    await page.close();
  }
}

describe.skipIf(!haveChromium)('bbans from its tarball in zero-config bundler apps', () => {
  let root: string;
  let browser: Browser;
  const apps = { vite: '', webpack: '' };
  let nodeBytes: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'bbans-bundlers-'));
    const tarball = await packTarball(root);
    [apps.vite, apps.webpack, browser, nodeBytes] = await Promise.all([
      createViteApp(path.join(root, 'vite'), tarball),
      createWebpackApp(path.join(root, 'webpack'), tarball),
      launchChromium(),
      compress(testImages()).then(toHex),
    ]);
  }, 300_000);
  afterAll(async () => {
    await stopAll();
    await browser?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  // Vite's dev server serves bbans pre-bundled, without its worker script: bbans then codes on the
  // page's thread and says so once. Built apps run the Web Workers.
  const FALLBACK = "console: bbans: Web Workers could not start here (a dev server that pre-bundles dependencies?); coding on the page's thread";
  const modes: [string, () => Promise<Served>, string[]][] = [
    ['vite build + vite preview', () => vitePreview(apps.vite), []],
    ['vite dev server', () => viteDev(apps.vite), [FALLBACK]],
    ['webpack production build, served statically', () => webpackStatic(apps.webpack), []],
  ];
  for (const [mode, serve, expected] of modes) {
    it(`${mode}: compress(images) in the page makes Node's bytes, and decompress gives the images back`, async () => {
      const served = await serve();
      try {
        const { result, errors } = await visit(browser, served.url);
        expect(result.error).toBeUndefined();
        expect(result.bytes).toBe(nodeBytes);
        expect(errors).toEqual(expected);
      } finally {
        await served.stop();
      }
    }, 240_000);
  }
});
