// (a) the demo page loads cleanly and round-trips a drawing and an MNIST digit with both models;
// (d) a screenshot after a compression, for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSession, haveChromium, openDemo } from './browser.js';

const SCREENSHOT = process.env.BBANS_DEMO_SCREENSHOT ?? '/tmp/bbans-demo.png';

interface RoundTrip { model: string; bytes: number; png: number; equal: boolean }

describe.skipIf(!haveChromium)('demo page', () => {
  let demo: DemoSession;
  beforeAll(async () => { demo = await openDemo(); });
  afterAll(() => demo?.close());

  it('loads its models without console errors', async () => {
    expect(await demo.page.evaluate(() => (window as any).demo.state)).toBe('ready');
    expect(demo.errors).toEqual([]);
  });

  it('compresses a digit drawn with the mouse and decodes it exactly, with both models', async () => {
    const box = (await demo.page.locator('#pad').boundingBox())!;
    const at = (x: number, y: number): [number, number] => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
    await demo.page.mouse.move(...at(10, 6));
    await demo.page.mouse.down();
    for (const [x, y] of [[18, 6], [17, 12], [14, 18], [12, 23]]) await demo.page.mouse.move(...at(x, y), { steps: 6 });
    await demo.page.mouse.up();
    await demo.page.waitForFunction(() => ['done', 'error'].includes((window as any).demo.state));
    const results: RoundTrip[] = await demo.page.evaluate(() => (window as any).demo.last);
    expect(results.map((r) => [r.model, r.equal])).toEqual([['mnist-8bit', true], ['mnist-binary', true]]);
    expect(await demo.page.evaluate(() => Array.from(document.querySelectorAll('.check')).map((c) => c.textContent))).toEqual(['identical ✓', 'identical ✓']);
    // The stroke reached the coded images: neither is blank.
    const inkedPixels = await demo.page.evaluate(() => Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas.coded'), (canvas) => {
      const rgba = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      return rgba.filter((v, i) => i % 4 === 0 && v > 0).length;
    }));
    for (const count of inkedPixels) expect(count).toBeGreaterThan(15);
    expect(demo.errors).toEqual([]);
  });

  it('compresses an MNIST test digit picked from the strip, and saves a screenshot', async () => {
    await demo.page.locator('#samples canvas').nth(3).click();
    await demo.page.waitForFunction(() => (window as any).demo.state === 'done' && document.querySelector('#source')?.textContent?.includes('#3'));
    const results: RoundTrip[] = await demo.page.evaluate(() => (window as any).demo.last);
    for (const r of results) {
      expect(r.equal).toBe(true);
      expect(r.bytes).toBeLessThan(r.png); // one digit, header included, still beats the browser's PNG
    }
    await demo.page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`demo screenshot: ${SCREENSHOT}`);
    expect(demo.errors).toEqual([]);
  });
});
