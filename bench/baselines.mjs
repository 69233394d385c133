// Classical lossless baselines for BB-ANS: how many bytes gzip, brotli, bzip2, xz, PNG, lossless
// WebP and JPEG XL need for exactly the pixels BB-ANS compresses, on any set of equally sized
// greyscale images with pixel values 0..maxValue (MNIST's table: 28x28, maxValue 1 for binarized
// and 255 for 8-bit MNIST; a user's own data set: any size, maxValue up to 65535). Every output is
// decoded again and compared with the input, and every byte written is counted (headers, per-file
// overhead), so the numbers are comparable with BB-ANS's own "count every byte" rate.
//
//   import { measureBaselines } from './baselines.mjs';
//   const rows = await measureBaselines(pixels, 10000, { height: 28, width: 28, maxValue: 255 });
//   // -> [{ codec, bytes, encode_ms, note }, ...], and rows.skipped: [{ codec, reason }, ...]
//
// `pixels` holds the images one after another, each row-major: a Uint8Array for maxValue <= 255,
// a Uint16Array above. What each codec is given (its row's note says it too):
//   stream codecs  the whole set as one stream: binary pixels both one byte per pixel and packed 8
//                  to a byte, the smaller reported; up to 255 one byte per pixel; above, two bytes
//                  per pixel, little-endian (the bytes of a .npy '<u2' array)
//   PNG            greyscale at the smallest depth PNG has (1, 2, 4, 8 or 16 bits) that holds
//                  maxValue, values as they are (so 0..16 is an 8-bit PNG: there is no 5-bit one)
//   WebP, JPEG XL  8-bit values as they are, binary pixels as 0/255 (black and white)
// JPEG XL has two rows per layout (all images as tiles of one picture, and one file per image):
// libjxl at effort 9, and "JPEG XL best (layout): SETTING", the smallest file over a small grid of
// settings that also tries Debian's cjxl on greyscale input (bench/jpeg-xl.mjs says which and why).
// For maxValue > 255 the WebP and JPEG XL rows are skipped: lossless WebP holds 8 bits per channel,
// and @jsquash/jxl's encoder takes 8-bit RGBA only (libjxl can code 16-bit images, this build's
// interface cannot pass them, and its decoder checks every JPEG XL file). A skipped codec has no
// row; it is listed in `rows.skipped` with the reason, and a warning is printed on stderr, as when
// @jsquash/jxl cannot be loaded at all or cjxl is not installed (then the best rows are the best of
// what ran, and their notes say what was skipped).
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
//                  lossless at effort 9 (`cjxl -d 0 -e 9`), decoded back with its libjxl decoder;
//                  loaded lazily: if it cannot be loaded, its rows are skipped with a warning.
//                  The best rows also run cjxl from Debian's libjxl-tools (optional, see above).

import { gzipSync, gunzipSync, brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import lzma from 'lzma-native';
import bzip2Factory from 'libbzip2-wasm';
import { encode as encodePng } from 'fast-png';
import { measurePerImage, toGrey } from './image-set.mjs';
import { measureJpegXl } from './jpeg-xl.mjs';

/**
 * Measure every baseline on `count` images of height x width pixels with values 0..maxValue,
 * row-major one after another in `pixels`. Returns one row per codec, { codec, bytes, encode_ms,
 * note }, with the codecs that cannot code this range in `rows.skipped` as { codec, reason }.
 * Throws if any codec fails to reproduce the input exactly.
 */
export async function measureBaselines(pixels, count, options) {
  const set = checkInput(pixels, count, options);
  const rows = [];
  const skipped = [];
  const skip = (codec, reason) => {
    console.error(`bench/baselines.mjs: !!! ${codec} SKIPPED: ${reason}`);
    skipped.push({ codec, reason });
  };
  for (const codec of STREAM_CODECS) rows.push(await measureStreamCodec(codec, set));
  rows.push(await measurePerImage(PNG, set));
  if (set.maxValue > 255) skip(WEBP.codec, 'lossless WebP holds 8 bits per channel');
  else rows.push(await measurePerImage(WEBP, set));
  rows.push(...(await measureJpegXl(set, skip)));
  return Object.assign(rows, { skipped });
}

/** The checked input as one object, `set`, that the measurements below take. */
function checkInput(pixels, count, { height, width, maxValue } = {}) {
  for (const [name, value] of [['height', height], ['width', width]]) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`options.${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isInteger(maxValue) || maxValue < 1 || maxValue > 65535) {
    throw new RangeError(`options.maxValue must be an integer 1..65535, got ${maxValue}`);
  }
  const kind = maxValue > 255 ? Uint16Array : Uint8Array;
  if (!(pixels instanceof kind)) {
    throw new TypeError(`pixels must be a ${kind.name} for maxValue ${maxValue}, got ${pixels?.constructor?.name ?? pixels}`);
  }
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`bad image count ${count}`);
  if (pixels.length !== count * height * width) {
    throw new RangeError(`pixels has ${pixels.length} values, expected ${count} x ${height} x ${width}`);
  }
  // A stray larger value would be silently lost by bit packing and low-depth PNG.
  const bad = pixels.findIndex((v) => v > maxValue);
  if (bad >= 0) throw new RangeError(`pixel ${bad} is ${pixels[bad]}, above maxValue ${maxValue}`);
  return { pixels, count, height, width, maxValue };
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
          [zlibConstants.BROTLI_PARAM_LGWIN]: 24, // largest standard window: MNIST's test set is ~8 MB
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
  { name: 'packed 8 pixels/byte, MSB first', to: (bits) => packSamples(bits, 1), from: (bytes, n) => unpackSamples(bytes, n, 1) },
];
const BYTE_LAYOUT = { name: '1 byte/pixel', to: (px) => px, from: (bytes) => bytes };
const UINT16_LAYOUT = { name: "2 bytes/pixel, little-endian (as a .npy '<u2' array)", to: toUint16LE, from: fromUint16LE };
const streamLayouts = (maxValue) => (maxValue === 1 ? BINARY_LAYOUTS : maxValue <= 255 ? [BYTE_LAYOUT] : [UINT16_LAYOUT]);

/** Every layout for this range; the smallest is reported, any other noted. */
async function measureStreamCodec({ codec, encode, decode }, { pixels, maxValue }) {
  const tried = [];
  for (const layout of streamLayouts(maxValue)) tried.push(await measureLayout(encode, decode, layout, pixels, codec));
  tried.sort((a, b) => a.bytes - b.bytes);
  const [best, ...others] = tried;
  return {
    codec,
    bytes: best.bytes,
    encode_ms: best.encode_ms,
    note: [best.layout, ...others.map((other) => `${other.layout} gave ${other.bytes} bytes`)].join('; '),
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

/**
 * Samples of `depth` bits (1, 2 or 4) to bytes, first sample in the most significant bits, as PNG
 * packs them; the tail is zero-padded.
 */
export function packSamples(values, depth) {
  const out = new Uint8Array(Math.ceil((values.length * depth) / 8));
  for (let i = 0, bit = 0; i < values.length; i++, bit += depth) out[bit >> 3] |= values[i] << (8 - depth - (bit & 7));
  return out;
}

export function unpackSamples(bytes, n, depth) {
  if (bytes.length !== Math.ceil((n * depth) / 8)) throw new Error(`packed length ${bytes.length} does not hold ${n} ${depth}-bit samples`);
  const out = new Uint8Array(n);
  const mask = (1 << depth) - 1;
  for (let i = 0, bit = 0; i < n; i++, bit += depth) out[i] = (bytes[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
  return out;
}

/** Each value as two bytes, low byte first, whatever the machine's byte order. */
function toUint16LE(values) {
  const out = new Uint8Array(2 * values.length);
  for (let i = 0; i < values.length; i++) {
    out[2 * i] = values[i] & 0xff;
    out[2 * i + 1] = values[i] >> 8;
  }
  return out;
}

function fromUint16LE(bytes, n) {
  if (bytes.length !== 2 * n) throw new Error(`${bytes.length} bytes do not hold ${n} uint16 values`);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Image formats: each image its own file, as the paper's PNG/WebP columns; sizes summed. Each
// codec's `expected` is the grey its decoder is to give back for an image.

/** The smallest greyscale bit depth PNG has that holds 0..maxValue. */
const pngDepth = (maxValue) => [1, 2, 4, 8, 16].find((depth) => maxValue < 2 ** depth);

const PNG = {
  codec: 'PNG',
  note: ({ maxValue }) => {
    const depth = pngDepth(maxValue);
    const bits = maxValue.toString(2).length;
    const range = bits === depth ? '' : ` (values 0..${maxValue} as they are: PNG has no ${bits}-bit depth)`;
    return `one ${depth}-bit greyscale PNG per image${range} (fast-png, deflate level 9, filter none), sizes summed`;
  },
  // fast-png rather than sharp: libvips always adds a 21-byte pHYs chunk to every file, which
  // no decoder needs and which alone costs 0.21 bits/dim on MNIST. Its only row filter is "none",
  // which for MNIST is also what sharp's best setting is (adaptive filtering was ~10% larger).
  encode: async (image, { height, width, maxValue }) => {
    const depth = pngDepth(maxValue);
    const data = depth < 8 ? packRows(image, width, depth) : image; // 16 bits: fast-png takes a Uint16Array
    return encodePng({ width, height, channels: 1, depth, data }, { zlib: { level: 9 } });
  },
  // sharp (libspng) hands 1-, 2- and 4-bit grey back scaled to 8 bits: x255, x85, x17.
  expected: (image, { maxValue }) => {
    const depth = pngDepth(maxValue);
    return depth < 8 ? image.map((v) => (v * 255) / (2 ** depth - 1)) : image;
  },
  verify: verifyImageFile,
};

const WEBP = {
  codec: 'WebP lossless',
  note: () => 'one lossless WebP per image (libwebp via sharp, effort 6, quality 100), sizes summed',
  // In lossless mode `quality` is libwebp's compression effort too; 100 with effort (method) 6
  // is cwebp's strongest lossless setting. No metadata is written (sharp strips it by default).
  encode: async (image, set) =>
    sharp(toGrey(image, set), { raw: { width: set.width, height: set.height, channels: 1 } })
      .toColourspace('b-w')
      .webp({ lossless: true, effort: 6, quality: 100 })
      .toBuffer(),
  expected: toGrey,
  verify: verifyImageFile,
};

/** PNG scanlines of fewer than 8 bits a pixel start on a byte boundary: 28 1-bit pixels -> 4 bytes. */
function packRows(image, width, depth) {
  const rowBytes = Math.ceil((width * depth) / 8);
  const height = image.length / width;
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) out.set(packSamples(image.subarray(y * width, (y + 1) * width), depth), y * rowBytes);
  return out;
}

/**
 * Decode with sharp and require every colour channel of every pixel to equal the expected grey;
 * a Uint16Array of expected values means a 16-bit file, read back as 16-bit grey.
 */
async function verifyImageFile(file, expected, { height, width }, what) {
  const sixteen = expected instanceof Uint16Array;
  const decoder = sixteen ? sharp(file).toColourspace('grey16').raw({ depth: 'ushort' }) : sharp(file).raw();
  const { data, info } = await decoder.toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) throw new Error(`${what}: decoded as ${info.width}x${info.height}`);
  const c = info.channels;
  if (c !== 1 && c !== 3) throw new Error(`${what}: decoded with ${c} channels`);
  // sharp's 16-bit samples are in the machine's byte order, as a Uint16Array reads them.
  const values = sixteen ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)) : data;
  if (values.length !== expected.length * c) throw new Error(`${what}: decoded ${values.length} samples`);
  for (let p = 0; p < expected.length; p++) {
    for (let k = 0; k < c; k++) {
      if (values[p * c + k] !== expected[p]) throw new Error(`${what}: not lossless at pixel ${p}`);
    }
  }
}

function assertSame(actual, expected, what) {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: decoded ${actual.length} values, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: not lossless, first difference at value ${i}`);
  }
}
