// The JPEG XL rows of bench/baselines.mjs: lossless JPEG XL both ways the format can be used on a
// set like this, all images as tiles of one large picture (one header, and libjxl's context model
// learns from all images at once) and one file per image like the PNG/WebP rows; for each layout
// a plain row, libjxl at effort 9, and a "best" row, the smallest file over a small committed grid
// of settings, named by the setting that made it. Every file is decoded again and checked.
//
// Two encoders:
//   @jsquash/jxl  libjxl compiled to WebAssembly (Squoosh's build, Apache-2.0), an npm dev
//                 dependency, so there with every `npm ci`. Its encoder takes 8-bit RGBA only (no
//                 greyscale input, no bit depth 1): each grey value goes to R, G and B with alpha
//                 255, binarized pixels as 0/255. Its options are effort, quality, progressive,
//                 epf, lossyPalette, decodingSpeedTier, photonNoiseIso, lossyModular and lossless;
//                 of the settings libjxl users report gains from, it can express none: no
//                 iterations (-I), group size (-g) or extra properties (-E), and no -e 10 (the
//                 build maps effort e to libjxl's speed tier 10 - e, so 10 is no libjxl setting:
//                 it made 1,000 tiled MNIST images 17% larger than effort 9). The lossless options
//                 it has only made files larger than effort 9 there (progressive +113%,
//                 decodingSpeedTier 1 +88%, 2 +39%, effort 8 +26%).
//   cjxl          Debian's libjxl-tools (cjxl v0.7.0), run as a command on greyscale PGM input
//                 (binarized pixels as 0/255 too: given a maxval-1 PGM, cjxl 0.7 wrote an
//                 all-black file without an error). Optional: where it is not installed (or
//                 $BBANS_CJXL, the command to run instead of `cjxl`, is not there) its settings are
//                 skipped with a loud warning and listed in `rows.skipped`, and the best rows are
//                 the best of what ran. .ci/run installs it.
// Every file, from either encoder, is decoded with @jsquash/jxl's libjxl decoder, which must give
// R = G = B = the grey input and alpha 255 at every pixel. There is no 16-bit input (the WASM
// encoder reads any buffer as 8-bit RGBA and its decoder returns 8 bits), hence no JPEG XL rows
// above maxValue 255.
//
// The grid (measured on the first 1,000 and all 10,000 8-bit MNIST test images, tiled, and on the
// 2,000 32x32 photo patches of bench/datasets/make-natural.py's photos-test, cjxl's settings at
// -e 9 on greyscale input):
//   tiled      @jsquash/jxl -e 9; cjxl -e 9 -g 3; cjxl -e 9 -I 100 -g 3. Groups of 1024x1024
//              pixels (-g 3) instead of 256 were smaller on both sets (10,000 MNIST: 1,081,304 vs
//              1,091,317 bytes; photos 0.6%), and learning the MA tree from all pixels (-I 100,
//              default 50%) smaller again (1,077,864 bytes, 0.9% under the RGBA file's
//              1,088,013; photos 1.0% under -e 9). Each cjxl run codes the whole picture once, on
//              one thread: 20-60 s for the 10,000 MNIST images.
//   per image  @jsquash/jxl -e 9; cjxl -e 9. A 28x28 or 32x32 file is one group at any -g, and
//              -I 100 changed a per-image file by under 0.4% either way (MNIST larger, photos
//              smaller), so what matters is the input: the RGBA files were 14% larger than
//              greyscale ones on 8-bit MNIST, 1% smaller on binarized (first 200 test images). The cost is a cjxl process per image, 30-75
//              ms each (the VM idle or busy), most of it the process starting: 4-13 minutes for
//              10,000 images.
//   -E 3 (more previous-channel properties) changes nothing on one channel: the same bytes, on
//   both sets; -e 10 is not there in cjxl 0.7 (efforts 1..9).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { imageAt, measurePerImage, toGrey } from './image-set.mjs';

const JXL_EFFORT = 9;
const LAYOUTS = ['tiled', 'per image'];
/** cjxl's settings per layout (each also gets `-d 0`, lossless, and one thread); see above. */
const CJXL_GRID = {
  tiled: [
    ['-e', '9', '-g', '3'],
    ['-e', '9', '-I', '100', '-g', '3'],
  ],
  'per image': [['-e', '9']],
};

const jxlName = (layout) => `JPEG XL lossless (${layout})`;
const jxlBestName = (layout) => `JPEG XL best (${layout})`;

/**
 * The JPEG XL rows for a checked set, { codec, bytes, encode_ms, note } each: per layout the
 * plain effort-9 row, then the best row. Whatever cannot run is reported through
 * `skip(codec, reason)`.
 */
export async function measureJpegXl(set, skip) {
  const allRows = LAYOUTS.flatMap((layout) => [jxlName(layout), jxlBestName(layout)]);
  const jxl = set.maxValue > 255 ? { error: "@jsquash/jxl's encoder takes 8-bit RGBA only" } : await loadJsquash();
  if (jxl.error) {
    for (const codec of allRows) skip(codec, jxl.error);
    return [];
  }
  const cjxl = findCjxl();
  const tiles = tilePicture(set);
  const rows = [];
  try {
    for (const layout of LAYOUTS) {
      const measure = (encoder) => (layout === 'tiled' ? measureTiled(jxl, encoder, tiles) : measureEachImage(jxl, encoder, set));
      const layoutNote = layout === 'tiled' ? tiles.note : 'one file per image, sizes summed';
      const plain = await measure(jxl.encoder);
      rows.push({ codec: jxlName(layout), ...plain, note: `${layoutNote}, ${jxlPixels(set)}; ${jxl.encoder.library}, lossless, effort ${JXL_EFFORT}` });

      const tried = [{ encoder: jxl.encoder, ...plain }];
      for (const args of CJXL_GRID[layout]) {
        if (cjxl.error) {
          skip(`${jxlBestName(layout)} [${cjxlSetting(args)}]`, cjxl.error);
          continue;
        }
        const encoder = cjxl.encoder(args);
        tried.push({ encoder, ...(await measure(encoder)) });
      }
      const best = tried.reduce((a, b) => (b.bytes < a.bytes ? b : a));
      const grid = tried.map(({ encoder, bytes }) => `${encoder.setting} (${encoder.input}) ${bytes} bytes`).join(', ');
      rows.push({
        codec: `${jxlBestName(layout)}: ${best.encoder.setting}`,
        bytes: best.bytes,
        encode_ms: best.encode_ms,
        note: `the smallest of ${grid}${cjxl.error ? ` (cjxl's settings skipped: ${cjxl.error})` : ''}; ${layoutNote}, ${jxlPixels(set)}; ${best.encoder.library}`,
      });
    }
  } finally {
    cjxl.cleanUp?.();
  }
  return rows;
}

const jxlPixels = ({ maxValue }) => (maxValue === 1 ? 'pixels 0/255 (the encoders have no 1-bit input)' : 'pixels as they are');

// ---------------------------------------------------------------------------------------------
// The encoders: { setting, input, library, encode(grey, width, height) -> Promise<Uint8Array> }.

/** @jsquash/jxl's encoder (effort 9) and decoder, loaded once; { error } if they cannot be. */
let jsquash;
function loadJsquash() {
  jsquash ??= (async () => {
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
        encoder: {
          setting: `@jsquash/jxl -e ${JXL_EFFORT}`,
          input: '8-bit RGBA',
          library: `libjxl via @jsquash/jxl ${version}, 8-bit RGBA`,
          encode: async (grey, width, height) => {
            const rgba = new Uint8ClampedArray(grey.length * 4);
            for (let i = 0; i < grey.length; i++) {
              rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey[i];
              rgba[4 * i + 3] = 255;
            }
            return new Uint8Array(await enc.default({ data: rgba, width, height }, { lossless: true, effort: JXL_EFFORT }));
          },
        },
        decode: (file) => dec.default(file.buffer.slice(file.byteOffset, file.byteOffset + file.length)),
      };
    } catch (err) {
      return { error: `@jsquash/jxl could not be loaded (${err?.message ?? err}; npm install the dev dependency @jsquash/jxl)` };
    }
  })();
  return jsquash;
}

const cjxlSetting = (args) => `cjxl ${args.join(' ')}`;

/**
 * The cjxl command ($BBANS_CJXL, else `cjxl` on PATH): { encoder(args), cleanUp() }, working in a
 * temporary folder made on first use; { error } with the reason if it does not run.
 */
function findCjxl() {
  const command = process.env.BBANS_CJXL || 'cjxl';
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return { error: `${command} is not there (${probe.error?.code ?? `exit ${probe.status}`}; Debian: apt-get install libjxl-tools)` };
  }
  const version = probe.stdout.split(/\s+/).slice(0, 2).join(' '); // "cjxl v0.7.0"
  let folder;
  return {
    encoder: (args) => ({
      setting: cjxlSetting(args),
      input: 'greyscale PGM',
      library: `${version} (${command}), greyscale input, one thread`,
      encode: async (grey, width, height) => {
        folder ??= mkdtempSync(join(tmpdir(), 'bbans-cjxl-'));
        const [input, output] = [join(folder, 'in.pgm'), join(folder, 'out.jxl')];
        writeFileSync(input, Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), grey]));
        const run = spawnSync(command, [input, output, '-d', '0', '--num_threads=0', ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
        if (run.error || run.status !== 0) throw new Error(`${cjxlSetting(args)} failed: ${run.error?.message ?? run.stderr.trim()}`);
        return new Uint8Array(readFileSync(output));
      },
    }),
    cleanUp: () => folder && rmSync(folder, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// The layouts: each measures one encoder, { bytes, encode_ms }, after checking every file.

/**
 * All images as tiles of one picture: a near-square grid of height x width tiles, `cols` =
 * ceil(sqrt(count)) tiles across (10,000 28x28 images: 100x100 tiles, 2800x2800 pixels), filled
 * row by row; when count does not fill the grid, the last row is padded with all-zero images. The
 * padding is no image of the set, but its bytes are in the file and so in the count.
 */
function tilePicture(set) {
  const { count, height: tileHeight, width: tileWidth } = set;
  const cols = Math.ceil(Math.sqrt(count));
  const gridRows = Math.ceil(count / cols);
  const width = cols * tileWidth, height = gridRows * tileHeight;
  const picture = new Uint8Array(width * height); // zero: the padding tiles stay black
  for (let i = 0; i < count; i++) {
    const image = toGrey(imageAt(set, i), set);
    const x0 = (i % cols) * tileWidth, y0 = Math.floor(i / cols) * tileHeight;
    for (let y = 0; y < tileHeight; y++) picture.set(image.subarray(y * tileWidth, (y + 1) * tileWidth), (y0 + y) * width + x0);
  }
  const padding = gridRows * cols - count;
  const note = `one ${width}x${height} picture of ${cols}x${gridRows} tiles${padding ? ` (last row padded with ${padding} zero images)` : ''}`;
  return { picture, width, height, note };
}

async function measureTiled(jxl, encoder, { picture, width, height }) {
  const start = performance.now();
  const file = await encoder.encode(picture, width, height);
  const encode_ms = performance.now() - start;
  await verifyJxl(jxl, file, picture, width, height, `JPEG XL tiled [${encoder.setting}]`);
  return { bytes: file.length, encode_ms };
}

async function measureEachImage(jxl, encoder, set) {
  const { bytes, encode_ms } = await measurePerImage(
    {
      codec: `JPEG XL per image [${encoder.setting}]`,
      note: () => '',
      encode: (image, { width, height }) => encoder.encode(toGrey(image, set), width, height),
      expected: toGrey,
      verify: (file, expectedGrey, { width, height }, what) => verifyJxl(jxl, file, expectedGrey, width, height, what),
    },
    set,
  );
  return { bytes, encode_ms };
}

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
