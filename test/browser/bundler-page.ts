// The page every bundler app runs (its main.js), and the images it codes. testImages is written
// once and its own source goes into the page, so Node and the page code the very same pixels.

/** Three 28x28 8-bit rings, integer arithmetic only; pixels above 1 select the default 8-bit model. */
export function testImages(): Uint8Array {
  const pixels = new Uint8Array(3 * 28 * 28);
  for (let n = 0; n < 3; n++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const d2 = (x - 14) ** 2 + (y - 14) ** 2;
        const onRing = d2 >= (4 + 2 * n) ** 2 && d2 <= (7 + 2 * n) ** 2;
        pixels[n * 784 + y * 28 + x] = onRing ? 255 - ((x * 7 + y * 3 + n * 11) % 40) : 0;
      }
    }
  }
  return pixels;
}

/**
 * main.js: the README's usage with no options at all, reporting { ok, bytes (hex) } or
 * { ok: false, error } in document.body.dataset.result.
 */
export const PAGE_SOURCE = `import { compress, decompress } from 'bbans';

${testImages}

async function roundTrip() {
  const images = testImages();
  const bytes = await compress(images);
  const back = await decompress(bytes);
  const same = back.data.length === images.length && back.data.every((v, i) => v === images[i]);
  if (!same || back.shape.join('x') !== '3x28x28') throw new Error('decompress(compress(images)) is not the images: shape ' + back.shape.join('x'));
  return { ok: true, bytes: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') };
}

roundTrip().then(
  (result) => result,
  (error) => ({ ok: false, error: String(error && error.stack || error) }),
).then((result) => { document.body.dataset.result = JSON.stringify(result); });
`;
