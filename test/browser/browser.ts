// Starts the demo server and Debian's chromium for the browser tests, and records every console
// error and uncaught exception a page produces.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error plain JS module without types
import { DEMO_ROOT, startDemoServer } from '../../scripts/demo-server.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The page's console errors, bbans's warnings (its workers could not start) and uncaught exceptions, collected as they happen. */
export function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || (message.type() === 'warning' && message.text().startsWith('bbans:'))) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  return errors;
}

export interface DemoSession {
  browser: Browser;
  page: Page;
  url: string;
  /** Console errors and page exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Serves demo/dist/ (plus `extra` in-memory files) and opens the demo page once its models are loaded. */
export async function openDemo(extra: Record<string, string | Uint8Array> = {}): Promise<DemoSession> {
  if (!existsSync(`${DEMO_ROOT}lib/bbans.js`)) throw new Error('demo/dist/ is not built: run `npm run build:browser` (npm run test:browser does)');
  const { server, url } = (await startDemoServer({ port: 0, extra })) as { server: Server; url: string };
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = recordErrors(page);
    await page.goto(url);
    await page.waitForFunction(() => ['ready', 'error'].includes((window as any).demo?.state), null, { timeout: 60_000 });
    const opened = browser;
    return { browser: opened, page, url, errors, close: async () => { await opened.close(); server.close(); } };
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
