// Classical lossless baselines for the MNIST table: how many bytes gzip, brotli, bzip2, xz, PNG
// and lossless WebP need for exactly the pixels BB-ANS compresses. Every output is decoded again
// and compared with the input, and every byte written is counted (headers, per-file overhead),
// so the numbers are comparable with BB-ANS's own "count every byte" rate.
//
//   import { measureBaselines } from './baselines.mjs';
//   const rows = await measureBaselines(pixels, 10000, { bitsPerPixel: 8 });
//   // -> [{ codec, bytes, encode_ms, note }, ...]
//
// Implementations (all real, widely used codecs rather than anything written here):
//   gzip, brotli   node:zlib
//   bzip2          libbzip2-wasm: the reference libbz2 compiled to WebAssembly (gives the same
//                  bytes as the `bzip2 -9` command line tool)
//   xz             lzma-native: bindings to liblzma, prebuilt inside the npm package (same bytes
//                  as `xz -9`, since we also ask for the CLI's CRC64 check)
//   PNG            fast-png (deflate level 9 via fflate); decoded back with sharp (libspng), so
//                  the check does not trust the encoder's own decoder
//   WebP lossless  sharp (libwebp)
//   JPEG XL        @jsquash/jxl: libjxl compiled to WebAssembly (Squoosh's build, Apache-2.0),
//                  lossless at effort 9 (`cjxl -d 0 -e 9`), decoded back with its libjxl decoder.
//                  Loaded lazily: if it cannot be loaded, its rows are skipped with a warning.

import { gzipSync, gunzipSync, brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import lzma from 'lzma-native';
import bzip2Factory from 'libbzip2-wasm';
import { encode as encodePng } from 'fast-png';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const SIDE = 28;
const PIXELS_PER_IMAGE = SIDE * SIDE;

/**
 * Measure every baseline on `count` images of 28x28 pixels, row-major in `pixels`.
 * bitsPerPixel 1: pixel values 0/1 (binarized MNIST); bitsPerPixel 8: values 0..255.
 * Returns one row per codec: { codec, bytes, encode_ms, note }. Throws if any codec fails to
 * reproduce the input exactly.
 */
export async function measureBaselines(pixels, count, { bitsPerPixel }) {
  checkInput(pixels, count, bitsPerPixel);
  const rows = [];
  for (const codec of STREAM_CODECS) rows.push(await measureStreamCodec(codec, pixels, bitsPerPixel));
  rows.push(await measurePerImage(PNG, pixels, count, bitsPerPixel));
  rows.push(await measurePerImage(WEBP, pixels, count, bitsPerPixel));
  const jxl = await loadJxl();
  if (jxl.error) {
    console.error(`bench/baselines.mjs: !!! JPEG XL rows SKIPPED: ${jxl.error} (npm install the dev dependency @jsquash/jxl)`);
  } else {
    rows.push(await measureJxlTiled(jxl, pixels, count, bitsPerPixel));
    rows.push(await measurePerImage(jxlPerImage(jxl), pixels, count, bitsPerPixel));
  }
  return rows;
}

function checkInput(pixels, count, bitsPerPixel) {
  if (!(pixels instanceof Uint8Array)) throw new TypeError('pixels must be a Uint8Array');
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`bad image count ${count}`);
  if (pixels.length !== count * PIXELS_PER_IMAGE) {
    throw new RangeError(`pixels has ${pixels.length} bytes, expected ${count} x ${PIXELS_PER_IMAGE}`);
  }
  if (bitsPerPixel !== 1 && bitsPerPixel !== 8) throw new RangeError('bitsPerPixel must be 1 or 8');
  // A stray value 2..255 in "binary" data would be silently lost by bit packing and 1-bit PNG.
  if (bitsPerPixel === 1 && pixels.some((v) => v > 1)) throw new RangeError('binary pixels must be 0 or 1');
}

// ---------------------------------------------------------------------------------------------
// Stream compressors: the whole set as one stream, as `gzip -9 < file` etc. would see it.

/** libbz2's WebAssembly module, created once (its instantiation is the slow part). */
let bzip2Module;
function loadBzip2() {
  // The Emscripten module object is itself a "thenable" that resolves to itself, so awaiting it
  // directly would never settle; hand out plain functions instead.
  bzip2Module ??= new Promise((resolve) => {
    bzip2Factory().then((m) => resolve({ compress: m.compressBZ2.bind(m), decompress: m.decompressBZ2.bind(m) }));
  });
  return bzip2Module;
}

/** Copy a libbz2 result out of the WASM heap (the next call may reuse that memory). */
function bzip2Result(result, what) {
  if (result.error !== 0) throw new Error(`bzip2 ${what} failed: ${result.error_msg ?? result.error}`);
  return result.output.slice();
}

const STREAM_CODECS = [
  {
    codec: 'gzip -9',
    encode: async (bytes) => gzipSync(bytes, { level: 9 }),
    decode: async (bytes) => gunzipSync(bytes),
  },
  {
    codec: 'brotli 11',
    encode: async (bytes) =>
      brotliCompressSync(bytes, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
          [zlibConstants.BROTLI_PARAM_LGWIN]: 24, // largest standard window: the set is ~8 MB
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_GENERIC,
        },
      }),
    decode: async (bytes) => brotliDecompressSync(bytes),
  },
  {
    codec: 'bzip2 -9',
    // Block size 9 (900 kB) as `bzip2 -9`; work factor 0 means libbz2's default (30), as the CLI.
    encode: async (bytes) => bzip2Result((await loadBzip2()).compress(bytes, 9, 0), 'compress'),
    decode: async (bytes) => bzip2Result((await loadBzip2()).decompress(bytes, 0), 'decompress'),
  },
  {
    codec: 'xz -9',
    // Single-threaded easy encoder at preset 9; CRC64 is the xz CLI's default integrity check
    // (lzma-native defaults to CRC32, which would make the file 4 bytes smaller than `xz -9`).
    encode: (bytes) => lzma.compress(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), { preset: 9, check: lzma.CHECK_CRC64 }),
    decode: (bytes) => lzma.decompress(bytes),
  },
];

/**
 * Binary pixels can reach a stream compressor either as one byte per pixel or packed; which is
 * better depends on the codec (byte-oriented LZ matchers like whole-byte symbols, BWT likes the
 * 8x shorter input), so both are tried and the smaller is reported, the other noted.
 */
const BINARY_LAYOUTS = [
  { name: '1 byte/pixel (0/1)', to: (bits) => bits, from: (bytes) => bytes },
  { name: 'packed 8 pixels/byte, MSB first', to: packBits, from: (bytes, n) => unpackBits(bytes, n) },
];
const EIGHT_BIT_LAYOUT = { name: '1 byte/pixel', to: (px) => px, from: (bytes) => bytes };

async function measureStreamCodec({ codec, encode, decode }, pixels, bitsPerPixel) {
  if (bitsPerPixel === 8) {
    const m = await measureLayout(encode, decode, EIGHT_BIT_LAYOUT, pixels, codec);
    return { codec, bytes: m.bytes, encode_ms: m.encode_ms, note: EIGHT_BIT_LAYOUT.name };
  }
  const tried = [];
  for (const layout of BINARY_LAYOUTS) tried.push(await measureLayout(encode, decode, layout, pixels, codec));
  tried.sort((a, b) => a.bytes - b.bytes);
  const [best, other] = tried;
  return {
    codec,
    bytes: best.bytes,
    encode_ms: best.encode_ms,
    note: `${best.layout}; ${other.layout} gave ${other.bytes} bytes`,
  };
}

/** Encode (timed, including the layout conversion), decode, verify; returns the size. */
async function measureLayout(encode, decode, layout, pixels, codec) {
  const start = performance.now();
  const encoded = await encode(layout.to(pixels));
  const encode_ms = performance.now() - start;
  const decoded = layout.from(new Uint8Array(await decode(encoded)), pixels.length);
  assertSame(decoded, pixels, `${codec} [${layout.name}]`);
  return { layout: layout.name, bytes: encoded.length, encode_ms };
}

/** Row-major bits to bytes, first pixel in the most significant bit; the tail is zero-padded. */
export function packBits(bits) {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

export function unpackBits(bytes, n) {
  if (bytes.length !== Math.ceil(n / 8)) throw new Error(`packed length ${bytes.length} does not hold ${n} bits`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Image formats: each image its own file, as the paper's PNG/WebP columns; sizes summed.

/** Binary images become black/white at 0/255 for the image codecs (a 1-bit PNG stores 0/1). */
const toGrey = (image, bitsPerPixel) => (bitsPerPixel === 1 ? image.map((v) => v * 255) : image);
const rawGrey = { raw: { width: SIDE, height: SIDE, channels: 1 } };

const PNG = {
  codec: 'PNG',
  note: (bitsPerPixel) =>
    `one ${bitsPerPixel}-bit greyscale PNG per image (fast-png, deflate level 9, filter none), sizes summed`,
  // fast-png rather than sharp: libvips always adds a 21-byte pHYs chunk to every file, which
  // no decoder needs and which alone costs 0.21 bits/dim here. Its only row filter is "none",
  // which for these images is also what sharp's best setting is (adaptive filtering was ~10% larger).
  encode: async (image, bitsPerPixel) =>
    encodePng(
      bitsPerPixel === 1
        ? { width: SIDE, height: SIDE, channels: 1, depth: 1, data: packRows(image) }
        : { width: SIDE, height: SIDE, channels: 1, depth: 8, data: image },
      { zlib: { level: 9 } },
    ),
};

const WEBP = {
  codec: 'WebP lossless',
  note: () => 'one lossless WebP per image (libwebp via sharp, effort 6, quality 100), sizes summed',
  // In lossless mode `quality` is libwebp's compression effort too; 100 with effort (method) 6
  // is cwebp's strongest lossless setting. No metadata is written (sharp strips it by default).
  encode: async (image, bitsPerPixel) =>
    sharp(toGrey(image, bitsPerPixel), rawGrey)
      .toColourspace('b-w')
      .webp({ lossless: true, effort: 6, quality: 100 })
      .toBuffer(),
};

/** 1-bit PNG scanlines start on a byte boundary: 28 pixels -> 4 bytes per row. */
function packRows(image) {
  const rowBytes = Math.ceil(SIDE / 8);
  const out = new Uint8Array(rowBytes * SIDE);
  for (let y = 0; y < SIDE; y++) out.set(packBits(image.subarray(y * SIDE, (y + 1) * SIDE)), y * rowBytes);
  return out;
}

async function measurePerImage({ codec, note, encode, verify = verifyImageFile }, pixels, count, bitsPerPixel) {
  // Encode all first (timed on its own), one image at a time so encode_ms is a plain sequential
  // cost, then decode and check each file.
  const files = new Array(count);
  const start = performance.now();
  for (let i = 0; i < count; i++) files[i] = await encode(imageAt(pixels, i), bitsPerPixel);
  const encode_ms = performance.now() - start;

  let bytes = 0;
  for (let i = 0; i < count; i++) {
    bytes += files[i].length;
    await verify(files[i], toGrey(imageAt(pixels, i), bitsPerPixel), `${codec} image ${i}`);
  }
  return { codec, bytes, encode_ms, note: note(bitsPerPixel) };
}

const imageAt = (pixels, i) => pixels.subarray(i * PIXELS_PER_IMAGE, (i + 1) * PIXELS_PER_IMAGE);

/** Decode with sharp and require every colour channel of every pixel to equal the grey input. */
async function verifyImageFile(file, expectedGrey, what) {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== SIDE || info.height !== SIDE) throw new Error(`${what}: decoded as ${info.width}x${info.height}`);
  const c = info.channels;
  if (c !== 1 && c !== 3) throw new Error(`${what}: decoded with ${c} channels`);
  for (let p = 0; p < PIXELS_PER_IMAGE; p++) {
    for (let k = 0; k < c; k++) {
      if (data[p * c + k] !== expectedGrey[p]) throw new Error(`${what}: not lossless at pixel ${p}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JPEG XL lossless, both ways the format can be used on a set like this: all images as tiles of
// one large picture (one header, and libjxl's context model learns from all images at once),
// and one file per image like the PNG/WebP rows.
//
// @jsquash/jxl's encoder takes 8-bit RGBA only (no greyscale input, no bit depth 1), so each grey
// value goes to R, G and B with alpha 255 and the files are 8-bit RGBA JPEG XL; binarized pixels
// are coded as 0/255. libjxl's modular mode codes the identical channels and constant alpha
// cheaply, but per file that is not free: against greyscale files from Debian's cjxl 0.7
// (`cjxl -d 0 -e 9`), the tiled 10,000 8-bit images came out 0.3% smaller here (1,088,013 vs
// 1,091,317 bytes), but one file per image 14% larger on 8-bit and 1% smaller on binarized
// MNIST (first 200 test images). Effort 9, the highest, for both layouts: per image it took
// 13 ms per 8-bit image on 200 images, ~2-3 min for the 10,000 test images.

const JXL_EFFORT = 9;

/** The encoder and decoder, loaded once; { error } with the reason if they cannot be. */
let jxlCodec;
function loadJxl() {
  jxlCodec ??= (async () => {
    try {
      const [enc, dec] = await Promise.all([import('@jsquash/jxl/encode.js'), import('@jsquash/jxl/decode.js')]);
      const packageJson = createRequire(import.meta.url).resolve('@jsquash/jxl/package.json');
      const dir = dirname(packageJson);
      // Left alone, the Emscripten glue fetch()es its .wasm by URL, which Node's fetch cannot do
      // for a file: URL; compiled here from the installed files, nothing is fetched at run time.
      // The single-threaded build is the one used in Node (like every other baseline here).
      await enc.init(await WebAssembly.compile(readFileSync(join(dir, 'codec/enc/jxl_enc.wasm'))));
      await dec.init(await WebAssembly.compile(readFileSync(join(dir, 'codec/dec/jxl_dec.wasm'))));
      const version = JSON.parse(readFileSync(packageJson, 'utf8')).version;
      return {
        library: `libjxl via @jsquash/jxl ${version}, 8-bit RGBA`,
        encode: async (grey, width, height) => {
          const rgba = new Uint8ClampedArray(grey.length * 4);
          for (let i = 0; i < grey.length; i++) {
            rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey[i];
            rgba[4 * i + 3] = 255;
          }
          return new Uint8Array(await enc.default({ data: rgba, width, height }, { lossless: true, effort: JXL_EFFORT }));
        },
        decode: (file) => dec.default(file.buffer.slice(file.byteOffset, file.byteOffset + file.length)),
      };
    } catch (err) {
      return { error: `@jsquash/jxl could not be loaded (${err?.message ?? err})` };
    }
  })();
  return jxlCodec;
}

const jxlName = (layout) => `JPEG XL lossless (${layout}${JXL_EFFORT === 9 ? '' : `, -e ${JXL_EFFORT}`})`;
const jxlPixels = (bitsPerPixel) => (bitsPerPixel === 1 ? 'pixels 0/255 (the encoder has no 1-bit input)' : 'pixels as they are');

/** Decode with libjxl and require R = G = B = the grey input and alpha 255 at every pixel. */
async function verifyJxl(jxl, file, expectedGrey, width, height, what) {
  const { data, width: w, height: h } = await jxl.decode(file);
  if (w !== width || h !== height) throw new Error(`${what}: decoded as ${w}x${h}, expected ${width}x${height}`);
  for (let p = 0; p < width * height; p++) {
    const v = expectedGrey[p];
    if (data[4 * p] !== v || data[4 * p + 1] !== v || data[4 * p + 2] !== v || data[4 * p + 3] !== 255) {
      throw new Error(`${what}: not lossless at pixel ${p}`);
    }
  }
}

/**
 * All images as tiles of one picture: a near-square grid, `cols` = ceil(sqrt(count)) tiles
 * across (10,000 images: 100x100 tiles, 2800x2800 pixels), filled row by row; when count does
 * not fill the grid, the last row is padded with all-zero images. The padding is no image of the
 * set, but its bytes are in the file and so in the count.
 */
async function measureJxlTiled(jxl, pixels, count, bitsPerPixel) {
  const cols = Math.ceil(Math.sqrt(count));
  const gridRows = Math.ceil(count / cols);
  const width = cols * SIDE, height = gridRows * SIDE;
  const start = performance.now();
  const picture = new Uint8Array(width * height); // zero: the padding tiles stay black
  for (let i = 0; i < count; i++) {
    const image = toGrey(imageAt(pixels, i), bitsPerPixel);
    const x0 = (i % cols) * SIDE, y0 = Math.floor(i / cols) * SIDE;
    for (let y = 0; y < SIDE; y++) picture.set(image.subarray(y * SIDE, (y + 1) * SIDE), (y0 + y) * width + x0);
  }
  const file = await jxl.encode(picture, width, height);
  const encode_ms = performance.now() - start;
  const codec = jxlName('tiled');
  await verifyJxl(jxl, file, picture, width, height, codec);
  const padding = gridRows * cols - count;
  return {
    codec,
    bytes: file.length,
    encode_ms,
    note: `one ${width}x${height} picture of ${cols}x${gridRows} tiles${padding ? ` (last row padded with ${padding} zero images)` : ''}, ` +
      `${jxlPixels(bitsPerPixel)}; ${jxl.library}, lossless, effort ${JXL_EFFORT}`,
  };
}

const jxlPerImage = (jxl) => ({
  codec: jxlName('per image'),
  note: (bitsPerPixel) => `one lossless JPEG XL per image, ${jxlPixels(bitsPerPixel)}; ${jxl.library}, effort ${JXL_EFFORT}, sizes summed`,
  encode: (image, bitsPerPixel) => jxl.encode(toGrey(image, bitsPerPixel), SIDE, SIDE),
  verify: (file, expectedGrey, what) => verifyJxl(jxl, file, expectedGrey, SIDE, SIDE, what),
});

function assertSame(actual, expected, what) {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: decoded ${actual.length} bytes, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: not lossless, first difference at byte ${i}`);
  }
}
