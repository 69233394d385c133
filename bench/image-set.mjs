// The image set as bench/baselines.mjs and bench/jpeg-xl.mjs see it ({ pixels, count, height,
// width, maxValue }, checked by measureBaselines), and the measurement every one-file-per-image
// codec shares.
import { performance } from 'node:perf_hooks';

/** Image i of the set, a view of its row-major pixels. */
export const imageAt = ({ pixels, height, width }, i) => pixels.subarray(i * height * width, (i + 1) * height * width);

/** The 8-bit formats' input: binary images as black/white at 0/255, other values as they are. */
export const toGrey = (image, { maxValue }) => (maxValue === 1 ? image.map((v) => v * 255) : image);

/**
 * Each image its own file: `encode(image, set)` every image, then `verify(file, expected(image,
 * set), set, what)` every file (it throws unless the file decodes to `expected`); the sizes summed.
 */
export async function measurePerImage({ codec, note, encode, expected, verify }, set) {
  // Encode all first (timed on its own), one image at a time so encode_ms is a plain sequential
  // cost, then decode and check each file.
  const files = new Array(set.count);
  const start = performance.now();
  for (let i = 0; i < set.count; i++) files[i] = await encode(imageAt(set, i), set);
  const encode_ms = performance.now() - start;

  let bytes = 0;
  for (let i = 0; i < set.count; i++) {
    bytes += files[i].length;
    await verify(files[i], expected(imageAt(set, i), set), set, `${codec} image ${i}`);
  }
  return { codec, bytes, encode_ms, note: note(set) };
}
