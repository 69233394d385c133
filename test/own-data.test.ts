// Your own data: train tiny models on small synthetic sets of other shapes and ranges, keep them as
// model directories, reload them and round-trip exactly through the API and the CLI; resume a
// stopped run; refuse wrong shapes, ranges, models and bad training input with one clear error
// and no directory left behind.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress, decompress } from '../src/api.js';
import { defaultChains } from '../src/options.js';
import { bbans } from './run-cli.js';
import { describe as describeFile } from '../src/describe.js';
import { BbansError } from '../src/errors.js';
import { type NpyDtype, readNpy, writeNpy } from '../src/data/npy.js';
import { loadModel } from '../src/models.js';
import { train } from '../src/train/index.js';
import { fuzzContainers } from './fuzz/containers.js';
import { rng } from './random.js';

let dir: string;
const at = (name: string): string => join(dir, name);


/** Smooth blobs plus noise, clipped to 0..max: images with structure a model can learn. */
function blobs(count: number, height: number, width: number, max: number, seed: number): Uint16Array {
  const random = rng(seed);
  const out = new Uint16Array(count * height * width);
  for (let i = 0; i < count; i++) {
    const cy = random() * height;
    const cx = random() * width;
    const r = 1 + random() * Math.max(height, width) / 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = max * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (r * r)) + (random() - 0.5) * max * 0.1;
        out[(i * height + y) * width + x] = Math.max(0, Math.min(max, Math.round(v)));
      }
    }
  }
  return out;
}

interface DataSet {
  file: string;
  dtype: NpyDtype;
  shape: [number, number, number];
  max: number;
  data: Uint8Array | Uint16Array;
}

const SETS: Record<string, DataSet> = {};

function makeSet(name: string, count: number, height: number, width: number, max: number, seed: number): DataSet {
  const values = blobs(count, height, width, max, seed);
  const sixteen = max > 255;
  const data = sixteen ? values : Uint8Array.from(values);
  const dtype: NpyDtype = sixteen ? '<u2' : max === 1 ? '|b1' : '|u1';
  return { file: at(`${name}.npy`), dtype, shape: [count, height, width], max, data };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbans-own-'));
  SETS.levels = makeSet('levels', 150, 8, 8, 16, 1);
  SETS.binary = makeSet('binary', 60, 32, 32, 1, 2);
  SETS.sensor = makeSet('sensor', 80, 20, 12, 4095, 3);
  for (const set of Object.values(SETS)) await writeFile(set.file, writeNpy({ dtype: set.dtype, shape: set.shape, data: set.data }));
  for (const [name, set] of Object.entries(SETS)) {
    const result = await train({ data: set.file, out: at(`model-${name}`), epochs: 2, batchSize: 20 });
    expect(result.epochsCompleted).toBe(2);
  }
}, 300_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a model for your own images', () => {
  it.each(['levels', 'binary', 'sensor'])('%s: trained, kept, reloaded, and exact through the API and the CLI', async (name) => {
    const set = SETS[name]!;
    const modelDir = at(`model-${name}`);
    const model = await loadModel(modelDir);
    expect(model.itemShape).toEqual(set.shape.slice(1));
    expect(model.spec.maxPixelValue).toBe(set.max);
    expect(model.manifest?.heldOut?.images).toBe(Math.round(set.shape[0] * 0.1));
    expect(model.spec.likelihood).toBe(set.max === 1 ? 'bernoulli' : 'logistic-mixture');

    const images = { data: set.data, shape: [...set.shape] };
    const bytes = await compress(images, { model: modelDir });
    const restored = await decompress(bytes, { model });
    expect(restored.data).toBeInstanceOf(set.max > 255 ? Uint16Array : Uint8Array);
    expect(Array.from(restored.data)).toEqual(Array.from(set.data));
    // The default chains: two per frame (one for a set of one image).
    expect((await describeFile(bytes)).segments[0]!.frames[0]!.chains).toBe(defaultChains(set.shape[0]));

    const original = await readFile(set.file);
    expect((await bbans('compress', '--model', modelDir, set.file)).code).toBe(0);
    const info = await bbans('info', '--model', modelDir, `${set.file}.bbans`);
    expect(info.out).toMatch(new RegExp(`model check +${modelDir.replace(/[/\\]/g, '.')} made this file`));
    expect(info.out).toMatch(new RegExp(`source +npy, ${set.max > 255 ? 16 : 8}-bit pixels`));
    expect((await bbans('decompress', '--model', modelDir, `${set.file}.bbans`, '-o', at(`${name}.restored.npy`))).code).toBe(0);
    expect(await readFile(at(`${name}.restored.npy`)), '.npy restored byte for byte, header included').toEqual(original);
  });

  it('is deterministic and resumes a stopped run exactly', async () => {
    const set = SETS.levels!;
    await train({ data: set.file, out: at('resumed'), name: 'model-levels', epochs: 1, batchSize: 20 });
    const resumed = await train({ data: set.file, out: at('resumed'), name: 'model-levels', epochs: 2, batchSize: 20, resume: true });
    expect(resumed.epochsCompleted).toBe(2);
    const fingerprint = async (d: string) => JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8')).fingerprint;
    expect(await fingerprint(at('resumed')), 'one epoch, stop, one more = two epochs in one run').toBe(await fingerprint(at('model-levels')));
    const log = (await readFile(at('resumed/train-log.jsonl'), 'utf8')).trim().split('\n');
    expect(log.map((line) => JSON.parse(line).epoch)).toEqual([1, 2]);
    await expect(train({ data: SETS.binary!.file, out: at('resumed'), name: 'model-levels', epochs: 3, resume: true })).rejects.toThrow(/different .*spec/);
  });

  it('refuses images the model does not take, and files made with another model, naming both', async () => {
    const levels = at('model-levels');
    const sensor = SETS.sensor!;
    const wrongShape = compress({ data: sensor.data, shape: [...sensor.shape] }, { model: levels });
    await expect(wrongShape).rejects.toMatchObject({ code: 'INVALID_IMAGES', message: expect.stringMatching(/codes 8x8 images, got images of 20x12/) });
    const tooBright = Uint8Array.from(SETS.levels!.data);
    tooBright[70] = 17;
    await expect(compress({ data: tooBright, shape: [...SETS.levels!.shape] }, { model: levels }))
      .rejects.toMatchObject({ code: 'INVALID_IMAGES', message: expect.stringMatching(/pixel 6 of image 1 is 17, but model model-levels takes values 0\.\.16/) });
    const bytes = await compress({ data: SETS.levels!.data, shape: [...SETS.levels!.shape] }, { model: levels });
    await expect(decompress(bytes, { model: at('model-sensor') })).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/needs model-levels@[0-9a-f]{32}, got model-sensor@[0-9a-f]{32}/) });
    const cli = await bbans('decompress', '--model', at('model-binary'), '-o', at('never.npy'), `${SETS.levels!.file}.bbans`);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/^bbans: .*levels\.npy\.bbans: model mismatch: the file needs model-levels@[0-9a-f]+, got model-binary@/);
    expect(existsSync(at('never.npy'))).toBe(false);
    const noModel = await bbans('decompress', '-o', at('never.npy'), `${SETS.levels!.file}.bbans`);
    expect(noModel.err).toMatch(/made with model "model-levels", which this build does not ship; pass that model/);
  });

  it('bad training input: one clear error line and no model directory left behind', async () => {
    await writeFile(at('empty.npy'), new Uint8Array(0));
    await writeFile(at('tiny.npy'), writeNpy({ dtype: '|u1', shape: [5, 1, 1], data: new Uint8Array(5) }));
    await writeFile(at('flat.npy'), writeNpy({ dtype: '|u1', shape: [5, 16], data: new Uint8Array(80) }));
    await writeFile(at('odd.raw'), new Uint8Array(100));
    await writeFile(at('foreign.txt'), 'hello, not images\n');
    const cases: Array<[string[], RegExp]> = [
      [['--data', at('empty.npy')], /empty\.npy is empty/],
      [['--data', at('missing.npy')], /cannot read .*missing\.npy: ENOENT/],
      [['--data', at('foreign.txt')], /neither a \.npy nor an idx ubyte file/],
      [['--data', at('tiny.npy')], /images of 1x1 are too small to model; they need at least 2x2 pixels/],
      [['--data', at('flat.npy')], /images must be 2-D grayscale, an array of shape \(count, height, width\); got \(5, 16\)/],
      [['--data', at('odd.raw'), '--shape', '3,3'], /100 bytes is not a whole number of 3x3 images/],
      [['--data', SETS.levels!.file, '--max-value', '15'], /pixel \d+ of image \d+ is 16, beyond the range 0\.\.15/],
      [['--data', SETS.levels!.file, '--val', SETS.sensor!.file], /held-out images are 20x12, the training images 8x8/],
      [['--data', SETS.levels!.file, '--likelihood', 'gaussian'], /the local-ar-vae architecture offers the likelihoods logistic-mixture, bernoulli, not gaussian/],
      [['--data', SETS.levels!.file, '--architecture', 'pixelcnn'], /architecture must be one of vae, local-ar-vae, predictive-ar-vae, got pixelcnn/],
      [['--data', SETS.levels!.file, '--likelihood', 'bernoulli'], /Bernoulli pixels are exactly the 0\/1 range; the range is 0\.\.16/],
      [['--data', SETS.levels!.file, '--time', 'soon'], /--time must look like 90s, 30m or 2h/],
    ];
    for (const [args, message] of cases) {
      const out = at('refused-model');
      const result = await bbans('train', ...args, '--out', out, '--epochs', '1');
      expect(result.code, args.join(' ')).toBeGreaterThan(0);
      expect(result.err.split('\n')[0], args.join(' ')).toMatch(message);
      expect(result.err.startsWith('bbans: '), args.join(' ')).toBe(true);
      expect(existsSync(out), `${args.join(' ')} leaves no directory`).toBe(false);
    }
    const exists = await bbans('train', '--data', SETS.levels!.file, '--out', at('model-levels'), '--epochs', '1');
    expect(exists.err).toMatch(/model-levels already exists; use -f \(force\) to replace it, or --resume/);
    await mkdir(at('precious'));
    await writeFile(at('precious/thesis.tex'), 'do not delete');
    const notModel = await bbans('train', '--data', SETS.levels!.file, '--out', at('precious'), '--epochs', '1', '-f');
    expect(notModel.err).toMatch(/precious is not a bbans model directory; refusing to replace it/);
    expect(await readFile(at('precious/thesis.tex'), 'utf8')).toBe('do not delete');
    // A directory that cannot be made (its parent is a file: refused even for root, unlike permissions).
    const unwritable = await bbans('train', '--data', SETS.levels!.file, '--out', join(SETS.levels!.file, 'model'), '--epochs', '1');
    expect(unwritable.err).toMatch(/^bbans: cannot create .*levels\.npy\/model: ENOTDIR/);
    expect(await readdir(dir)).not.toContain('refused-model');
  });

  it('the paper\'s VAE on request, with each of its likelihoods', async () => {
    const set = SETS.levels!;
    for (const likelihood of ['beta-binomial', 'categorical'] as const) {
      const out = at(`vae-${likelihood}`);
      await train({ data: set.file, out, architecture: 'vae', likelihood, epochs: 1, batchSize: 50 });
      const model = await loadModel(out);
      expect(model.spec).toMatchObject({ architecture: 'vae', likelihood, maxPixelValue: 16, pixels: 64 });
      const images = { data: set.data, shape: [...set.shape] };
      expect(Array.from((await decompress(await compress(images, { model }), { model: out })).data)).toEqual(Array.from(set.data));
    }
  });

  it('Ctrl-C stops after the current step and keeps the best model so far', async () => {
    const { spawn } = await import('node:child_process');
    const out = at('interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', '--data', SETS.binary!.file, '--out', out, '--batch-size', '10', '--time', '10m'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (/^epoch 2:/m.test(stdout)) resolve();
    }));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/stopping after this step/);
    expect(stdout).toMatch(/interrupted after epoch \d+; .*interrupted holds epoch \d+: held-out \d+\.\d{4} bits\/dim/);
    const model = await loadModel(out);
    const set = SETS.binary!;
    expect(Array.from((await decompress(await compress({ data: set.data, shape: [...set.shape] }, { model }), { model })).data)).toEqual(Array.from(set.data));
  });

  it('a held-out file of its own, --time, and the model name', async () => {
    const set = SETS.levels!;
    const heldOut = at('levels-val.npy');
    await writeFile(heldOut, writeNpy({ dtype: '|u1', shape: [20, 8, 8], data: set.data.subarray(0, 20 * 64) as Uint8Array }));
    const result = await bbans('train', '--data', set.file, '--val', heldOut, '--out', at('with-val'), '--name', 'levels-v2', '--time', '1s', '--batch-size', '50');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/epoch 1: train \d+\.\d{4}, held-out \d+\.\d{4} bits\/dim \(best \d+\.\d{4} at epoch 1\), lr 0\.001/);
    const manifest = JSON.parse(await readFile(at('with-val/manifest.json'), 'utf8'));
    expect(manifest.name).toBe('levels-v2');
    expect(manifest.heldOut.images).toBe(20);
    expect(manifest.heldOut.data).toMatch(/levels-val\.npy: 20 images of 8x8, 8-bit, pixels sha256 [0-9a-f]{64}/);
    expect(manifest.training.settings.trainData).toMatch(/levels\.npy: 150 images/);
  });
});

describe('model directories from elsewhere are untrusted', () => {
  async function copyModel(name: string): Promise<string> {
    const target = at(`hostile-${name}`);
    await rm(target, { recursive: true, force: true });
    for (const entry of await readdir(at('model-levels'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.parentPath.includes('checkpoint')) continue;
      const relative = join(entry.parentPath, entry.name).slice(at('model-levels').length);
      await mkdir(join(target, relative, '..'), { recursive: true });
      await writeFile(join(target, relative), await readFile(join(entry.parentPath, entry.name)));
    }
    return target;
  }
  const edit = async (file: string, change: (json: Record<string, unknown>) => void): Promise<void> => {
    const json = JSON.parse(await readFile(file, 'utf8'));
    change(json);
    await writeFile(file, JSON.stringify(json));
  };
  async function refused(directory: string, message: RegExp): Promise<void> {
    const error = await loadModel(directory).then(() => undefined, (e: unknown) => e);
    expect(error, String(message)).toBeInstanceOf(BbansError);
    expect((error as BbansError).code).toBe('INVALID_MODEL');
    expect((error as BbansError).message).toMatch(message);
  }

  it('each kind of damage or hostility fails with one INVALID_MODEL error', async () => {
    const spec = (json: Record<string, unknown>) => json.spec as Record<string, unknown>;
    const cases: Array<[string, (d: string) => Promise<void>, RegExp]> = [
      ['no-manifest', (d) => rm(join(d, 'manifest.json')), /cannot load the model manifest .*manifest\.json: ENOENT/],
      ['not-json', (d) => writeFile(join(d, 'manifest.json'), '<!doctype html><html>'), /not a JSON manifest/],
      ['huge-manifest', (d) => writeFile(join(d, 'manifest.json'), ' '.repeat(2 << 20)), /larger than 1048576 bytes/],
      ['version', (d) => edit(join(d, 'manifest.json'), (j) => { j.format = 'bbans-model-v9'; }), /unknown model directory format "bbans-model-v9"/],
      ['huge-shape', (d) => edit(join(d, 'manifest.json'), (j) => { spec(j).decoderHidden = 4096; spec(j).features = 64; spec(j).height = 4096; spec(j).width = 4096; spec(j).pixels = 4096 ** 2; j.itemShape = [4096, 4096]; }), /would have \d+ parameters, more than the limit of 33554432/],
      ['bad-field', (d) => edit(join(d, 'manifest.json'), (j) => { spec(j).latent = -3; }), /latent must be an integer in 1\.\.1024, got -3/],
      ['list-element', (d) => edit(join(d, 'manifest.json'), (j) => { spec(j).pixelHidden = [100000, 100000]; }), /model spec: pixelHidden\[0\] must be an integer in 1\.\.1024, got 100000/],
      ['shape-element', (d) => edit(join(d, 'manifest.json'), (j) => { j.itemShape = [8, -32]; }), /itemShape\[1\] must be an integer in 1\.\.16777216, got -32/],
      ['shape-vs-spec', (d) => edit(join(d, 'manifest.json'), (j) => { j.itemShape = [4, 16]; }), /itemShape 4x16 is not the spec's 8x8/],
      ['byte-count', (d) => edit(join(d, 'manifest.json'), (j) => { (j.weightBytes as Record<string, number>).pixel! += 4; }), /the weights take \d+ bytes, the manifest says \d+/],
      ['escape', (d) => edit(join(d, 'pixel', 'model.json'), (j) => { (j.weightsManifest as Array<{ paths: string[] }>)[0]!.paths = ['../../secret.bin']; }), /weight file "\.\.\/\.\.\/secret\.bin" is not a plain file name inside the model folder/],
      ['absolute', (d) => edit(join(d, 'pixel', 'model.json'), (j) => { (j.weightsManifest as Array<{ paths: string[] }>)[0]!.paths = ['/etc/passwd']; }), /is not a plain file name inside the model folder/],
      ['other-weights', (d) => edit(join(d, 'pixel', 'model.json'), (j) => { (j.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>)[0]!.weights[0]!.shape = [1000000, 1000]; }), /its weights are not the \d+ float32 weights the manifest's architecture has/],
      ['truncated', async (d) => writeFile(join(d, 'pixel', 'weights.bin'), (await readFile(join(d, 'pixel', 'weights.bin'))).subarray(0, 100)), /the weight files hold 100 bytes, the weights need \d+/],
      ['too-long', async (d) => writeFile(join(d, 'pixel', 'weights.bin'), Buffer.concat([await readFile(join(d, 'pixel', 'weights.bin')), Buffer.alloc(8)])), /weight file .* is larger than \d+ bytes/],
      ['altered', async (d) => {
        const weights = await readFile(join(d, 'decoder', 'weights.bin'));
        weights[weights.length - 1] ^= 0x40;
        await writeFile(join(d, 'decoder', 'weights.bin'), weights);
      }, /fingerprint [0-9a-f]{32} is not the manifest's [0-9a-f]{32}: the model directory is damaged or was altered/],
    ];
    for (const [name, damage, message] of cases) {
      const directory = await copyModel(name);
      await damage(directory);
      await refused(directory, message);
    }
  });

  it('over HTTP too: a page served in place of the model is refused naming the URL', async () => {
    const http = await import('node:http');
    const root = at('model-levels');
    const server = http.createServer((request, response) => {
      const url = request.url ?? '/';
      if (url.startsWith('/html/')) return void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>dev server fallback</p>');
      readFile(join(root, url.replace(/^\/good\//, ''))).then((data) => response.writeHead(200).end(data), () => response.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const model = await loadModel(`http://127.0.0.1:${port}/good/`);
      const set = SETS.levels!;
      const bytes = await compress({ data: set.data, shape: [...set.shape] }, { model });
      expect(Array.from((await decompress(bytes, { model: root })).data)).toEqual(Array.from(set.data));
      await expect(loadModel(new URL(`http://127.0.0.1:${port}/html/`))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(new RegExp(`cannot load the model manifest http://127\\.0\\.0\\.1:${port}/html/manifest\\.json: the server answered with an HTML page`)) });
      await expect(loadModel(`http://127.0.0.1:${port}/missing/`)).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/cannot load the model manifest .*missing\/manifest\.json: HTTP 404/) });
    } finally {
      server.close();
    }
  });
});

describe('hostile files of a user model with 16-bit pixels from a .npy file', () => {
  it('1,000 seeded mutations each decode exactly or are refused with a BbansError', async () => {
    const set = SETS.sensor!;
    const model = await loadModel(at('model-sensor'));
    const file = readNpy(new Uint8Array(await readFile(set.file)));
    const images = file.data.subarray(0, 4 * 240);
    const container = await compress({ data: images, shape: [4, 20, 12] }, { model, chains: 2, source: 'npy', sourceHeader: file.header });
    const report = await fuzzContainers(container, images, model, 1000, 99);
    expect(report.exact + Object.values(report.refusals).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Object.keys(report.refusals).length).toBeGreaterThan(3);
  }, 300_000);
});

describe('.npy files through compress and decompress', () => {
  it('MNIST digits as uint8 .npy come back byte for byte with the shipped model', async () => {
    const { loadMnistImages } = await import('../src/data/mnist.js');
    const pixels = loadMnistImages('test').pixels.subarray(0, 5 * 784);
    await writeFile(at('mnist.npy'), writeNpy({ dtype: '|u1', shape: [5, 28, 28], data: pixels }));
    expect((await bbans('compress', at('mnist.npy'))).code).toBe(0);
    expect((await bbans('decompress', at('mnist.npy.bbans'), '-o', at('mnist.out.npy'))).code).toBe(0);
    expect(await readFile(at('mnist.out.npy'))).toEqual(await readFile(at('mnist.npy')));
    expect(readNpy(new Uint8Array(await readFile(at('mnist.out.npy')))).shape).toEqual([5, 28, 28]);
  });
});
