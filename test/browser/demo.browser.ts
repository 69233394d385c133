// (a) the demo page loads cleanly and round-trips a drawing and an MNIST digit with all four shipped
// models, drawing a cost map per model; (d) a screenshot after a compression, for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSession, haveChromium, openDemo } from './browser.js';

const SCREENSHOT = process.env.BBANS_DEMO_SCREENSHOT ?? '/tmp/bbans-demo.png';
// The page's order: the two 8-bit models, then the two binary ones, the better (-ar) one first.
const MODELS = ['mnist-8bit-ar', 'mnist-8bit', 'mnist-binary-ar', 'mnist-binary'];

interface RoundTrip { model: string; bytes: number; png: number; equal: boolean; pixelBits: number; latentBits: number }

interface CostMap {
  model: string;
  caption: string;
  /** Pixels brighter than the scale's bottom: the ones costing more than about half a bit. */
  lit: number;
  /** The top-left pixel's r + g + b: blank background costs ~0 bits, so it is black. */
  corner: number;
}

/** What each cost map shows, read back from its canvas. */
function readCostMaps(demo: DemoSession): Promise<CostMap[]> {
  return demo.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('figure.cost'), (figure) => {
    const rgba = figure.querySelector('canvas')!.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    let lit = 0;
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i]! + rgba[i + 1]! + rgba[i + 2]! > 60) lit++;
    return { model: figure.dataset.model!, caption: figure.querySelector('figcaption')!.textContent!.replace(/\s+/g, ' ').trim(), lit, corner: rgba[0]! + rgba[1]! + rgba[2]! };
  }));
}

/** Every model round-tripped, in the page's order, and its cost map drawn and captioned with its totals. */
async function expectAllModelsCoded(demo: DemoSession): Promise<RoundTrip[]> {
  const results: RoundTrip[] = await demo.page.evaluate(() => (window as any).demo.last);
  expect(results.map((r) => [r.model, r.equal])).toEqual(MODELS.map((model) => [model, true]));
  expect(await demo.page.evaluate(() => Array.from(document.querySelectorAll('.check'), (c) => c.textContent))).toEqual(MODELS.map(() => 'identical ✓'));
  const maps = await readCostMaps(demo);
  expect(maps.map((m) => m.model)).toEqual(MODELS);
  for (const [i, map] of maps.entries()) {
    const { pixelBits, latentBits } = results[i]!;
    expect(pixelBits).toBeGreaterThan(0);
    expect(Number.isFinite(latentBits)).toBe(true);
    expect(map.caption).toContain(map.model);
    expect(map.caption).toContain(`pixels ${pixelBits.toFixed(0)} bits`);
    expect(map.caption).toContain(`latent ${latentBits.toFixed(0)} bits`);
    expect(map.lit, `${map.model}: lit pixels`).toBeGreaterThan(5);
    expect(map.corner, `${map.model}: background`).toBeLessThan(30);
  }
  return results;
}

describe.skipIf(!haveChromium)('demo page', () => {
  let demo: DemoSession;
  beforeAll(async () => { demo = await openDemo(); });
  afterAll(() => demo?.close());

  it('loads its models without console errors, a row and a cost map per model, the defaults marked', async () => {
    expect(await demo.page.evaluate(() => (window as any).demo.state)).toBe('ready');
    expect(await demo.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('#results tbody tr'), (row) => row.dataset.model))).toEqual(MODELS);
    const best: string[] = await demo.page.evaluate(() => Object.values((window as any).bbans.BEST_SHIPPED_MODEL));
    expect(best.sort()).toEqual(['mnist-8bit-ar', 'mnist-binary-ar']);
    expect(await demo.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('#results tr.default'), (row) => row.dataset.model).sort())).toEqual(best);
    // The badge sits by the default models' names, in the table and under their cost maps.
    expect(await demo.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('[data-model]:has(.badge)'), (e) => `${e.tagName} ${e.dataset.model}`).sort()))
      .toEqual(best.flatMap((model) => [`FIGURE ${model}`, `TR ${model}`]).sort());
    expect(demo.errors).toEqual([]);
  });

  it('compresses a digit drawn with the mouse and decodes it exactly with all four models, mapping their costs', async () => {
    const box = (await demo.page.locator('#pad').boundingBox())!;
    const at = (x: number, y: number): [number, number] => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
    await demo.page.mouse.move(...at(10, 6));
    await demo.page.mouse.down();
    for (const [x, y] of [[18, 6], [17, 12], [14, 18], [12, 23]]) await demo.page.mouse.move(...at(x, y), { steps: 6 });
    await demo.page.mouse.up();
    await demo.page.waitForFunction(() => ['done', 'error'].includes((window as any).demo.state));
    await expectAllModelsCoded(demo);
    // The stroke reached the coded images: none is blank.
    const inkedPixels = await demo.page.evaluate(() => Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas.coded'), (canvas) => {
      const rgba = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      return rgba.filter((v, i) => i % 4 === 0 && v > 0).length;
    }));
    expect(inkedPixels).toHaveLength(4);
    for (const count of inkedPixels) expect(count).toBeGreaterThan(15);
    expect(demo.errors).toEqual([]);
  });

  it('compresses an MNIST test digit picked from the strip, and saves a screenshot', async () => {
    await demo.page.locator('#samples canvas').nth(3).click();
    await demo.page.waitForFunction(() => (window as any).demo.state === 'done' && document.querySelector('#source')?.textContent?.includes('#3'));
    const results = await expectAllModelsCoded(demo);
    for (const r of results) expect(r.bytes, r.model).toBeLessThan(r.png); // one digit, header included, still beats the browser's PNG
    // The model with the local pixel model codes its kind of pixels in fewer bits than the paper's.
    const bytesOf = Object.fromEntries(results.map((r) => [r.model, r.bytes]));
    expect(bytesOf['mnist-8bit-ar']).toBeLessThan(bytesOf['mnist-8bit']);
    expect(bytesOf['mnist-binary-ar']).toBeLessThan(bytesOf['mnist-binary']);
    await demo.page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`demo screenshot: ${SCREENSHOT}`);
    expect(demo.errors).toEqual([]);
  });
});
