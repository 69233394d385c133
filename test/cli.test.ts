import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, lstat, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bbans } from './run-cli.js';
import { readIdx, writeIdx } from '../src/data/idx.js';
import { writeNpy } from '../src/data/npy.js';
import { loadMnistImages } from '../src/data/mnist.js';
import { BEST_SHIPPED_MODEL, resolveModel } from '../src/models.js';
import { defaultFrameSize } from '../src/options.js';

let dir: string;
const at = (name: string): string => join(dir, name);


beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbans-cli-'));
  const mnist = loadMnistImages('test');
  await writeFile(at('digits.idx'), writeIdx({ dims: [12, 28, 28], data: mnist.pixels.subarray(0, 12 * 784) }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('bbans CLI', () => {
  it('compress and decompress restore an idx file byte for byte, keeping the input', async () => {
    const original = await readFile(at('digits.idx'));
    expect((await bbans('compress', at('digits.idx'))).code).toBe(0);
    expect(await readFile(at('digits.idx'))).toEqual(original);
    expect((await bbans('decompress', at('digits.idx.bbans'), '-o', at('restored.idx'))).code).toBe(0);
    expect(await readFile(at('restored.idx'))).toEqual(original);
    const info = await bbans('info', at('digits.idx.bbans'));
    expect(info.out, 'the best 8-bit model by default').toMatch(/model +mnist-8bit-ar \(fingerprint [0-9a-f]{32}\)/);
    expect(info.out).toMatch(/images +12 x 28x28/);
  });

  it('raw pixels with --shape, and the binary model on binarized data', async () => {
    const raw = (await readFile(at('digits.idx'))).subarray(16);
    await writeFile(at('digits.raw'), raw);
    expect((await bbans('compress', '--shape', '12,28,28', '--chains', '3', at('digits.raw'), '-o', at('raw.bbans'))).code).toBe(0);
    expect((await bbans('decompress', at('raw.bbans'), '-o', at('raw.out'))).code).toBe(0);
    expect(await readFile(at('raw.out'))).toEqual(raw);

    expect((await bbans('binarize', at('digits.idx'), '-o', at('binary.idx'), '--seed', '0')).code).toBe(0);
    const binary = readIdx(new Uint8Array(await readFile(at('binary.idx'))));
    expect(binary.dims).toEqual([12, 28, 28]);
    expect(binary.data.every((v) => v <= 1)).toBe(true);
    expect((await bbans('compress', '--model', 'mnist-binary', at('binary.idx'))).code).toBe(0);
    expect((await bbans('info', at('binary.idx.bbans'))).out).toMatch(/model +mnist-binary \(/);
    expect((await bbans('decompress', '-f', at('binary.idx.bbans'))).code).toBe(0);
    expect((await bbans('compress', '-f', at('binary.idx'))).code).toBe(0);
    expect((await bbans('info', at('binary.idx.bbans'))).out, 'the best binary model by default').toMatch(/model +mnist-binary-ar \(/);
  });

  it('refuses to overwrite, bad input and bad usage with one line and an exit code, leaving no partial files', async () => {
    const before = (await readdir(dir)).sort();
    const exists = await bbans('compress', at('digits.idx'));
    expect(exists).toMatchObject({ code: 1 });
    expect(exists.err).toBe(`bbans: ${at('digits.idx.bbans')} already exists; use -f to overwrite it`);

    await writeFile(at('junk.bbans'), 'not a bbans file');
    const junk = await bbans('decompress', at('junk.bbans'), '-o', at('junk.out'));
    expect(junk).toMatchObject({ code: 1, err: `bbans: ${at('junk.bbans')}: not a bbans file (the magic bytes "BBAN" are missing)` });

    const truncated = (await readFile(at('digits.idx.bbans'))).subarray(0, 300);
    await writeFile(at('cut.bbans'), truncated);
    expect((await bbans('decompress', at('cut.bbans'))).code).toBe(1);

    const range = await bbans('compress', '--model', 'mnist-binary', at('digits.idx'), '-o', at('never.bbans'));
    expect(range.err).toMatch(/^bbans: .*digits\.idx: pixel \d+ of image 0 is \d+, but model mnist-binary takes values 0..1$/);

    expect((await bbans('compress', at('digits.raw'), '-o', at('never.bbans'))).err).toMatch(/neither a .npy nor an idx ubyte file; for raw pixels give its shape/);
    expect((await bbans('frobnicate')).code).toBe(2);
    expect((await bbans('compress', '--chains', 'x', at('digits.idx'), '-f')).code).toBe(2);
    expect((await bbans('decompress', at('digits.idx'))).err).toMatch(/use -o/);
    expect((await readdir(dir)).sort()).toEqual([...before, 'cut.bbans', 'junk.bbans'].sort());
  });

  it('frames: --frame-size, -T, info --frames, --range, and files joined by -c or cat', async () => {
    const original = await readFile(at('digits.idx'));
    expect((await bbans('compress', '-q', '--frame-size', '5', '-T', '1', at('digits.idx'), '-o', at('f1.bbans'))).code).toBe(0);
    expect((await bbans('compress', '-q', '--frame-size', '5', '--threads', '2', at('digits.idx'), '-o', at('f2.bbans'))).code).toBe(0);
    expect(await readFile(at('f2.bbans'))).toEqual(await readFile(at('f1.bbans')));
    const info = await bbans('info', '--frames', at('f1.bbans'));
    expect(info.out).toMatch(/format +version 3, 1 segment, 3 frames of 2\.\.5 images\n/);
    expect(info.out).toMatch(/^ +2 +10 +2 +\d+ +\d+ +coded +2$/m);

    expect((await bbans('decompress', '-q', '--range', '3:11', at('f1.bbans'), '-o', at('part.idx'))).code).toBe(0);
    const part = readIdx(new Uint8Array(await readFile(at('part.idx'))));
    expect(part.dims).toEqual([8, 28, 28]);
    expect(part.data).toEqual(new Uint8Array(original.subarray(16 + 3 * 784, 16 + 11 * 784)));
    expect((await bbans('decompress', '--range', '3:13', at('f1.bbans'), '-o', at('never.idx'))).err).toMatch(/holds 12 images; --range 3:13 asks for more/);
    expect((await bbans('decompress', '--range', '9:3', at('f1.bbans'))).code).toBe(2);

    // -c with two inputs writes one stream of two segments: one file of all their images.
    const joined = bbansProcess(['compress', '-c', '-q', at('digits.idx'), at('part.idx')]);
    expect(joined.code, joined.stderr).toBe(0);
    await writeFile(at('joined.bbans'), joined.stdout);
    expect((await bbans('info', at('joined.bbans'))).out).toMatch(/version 3, 2 segments, 2 frames.*\n(.*\n)*images +20 x 28x28/);
    expect((await bbans('decompress', '-q', at('joined.bbans'), '-o', at('joined.idx'))).code).toBe(0);
    const both = readIdx(new Uint8Array(await readFile(at('joined.idx'))));
    expect(both.dims).toEqual([20, 28, 28]);
    expect(both.data).toEqual(new Uint8Array(Buffer.concat([original.subarray(16), part.data])));
    // From a pipe, the idx header must be written before the second segment says how many follow.
    const piped = bbansProcess(['-d'], joined.stdout);
    expect(piped).toMatchObject({ code: 1 });
    expect(piped.stderr).toMatch(/holds more than the 12 images the idx header written first says \(a joined stream\?\); decompress it as a named file/);
  }, 60_000);

  it('a file of no images (idx, .npy, raw) comes back byte for byte, by name and through a pipe; so does an empty --range', async () => {
    const files: Array<[string, Uint8Array, string[]]> = [
      ['none.idx', writeIdx({ dims: [0, 28, 28], data: new Uint8Array(0) }), []],
      ['none.npy', writeNpy({ dtype: '|u1', shape: [0, 28, 28], data: new Uint8Array(0) }), []],
      ['none.raw', new Uint8Array(0), ['--shape', '28,28']],
    ];
    for (const [name, original, options] of files) {
      await writeFile(at(name), original);
      expect((await bbans('compress', '-q', ...options, at(name))).code, name).toBe(0);
      expect((await bbans('decompress', '-q', at(`${name}.bbans`), '-o', at(`${name}.back`))).code, name).toBe(0);
      expect(new Uint8Array(await readFile(at(`${name}.back`))), name).toEqual(original);
      const piped = bbansProcess(['-d'], await readFile(at(`${name}.bbans`)));
      expect(piped.code, piped.stderr).toBe(0);
      expect(new Uint8Array(piped.stdout), `${name} through a pipe`).toEqual(original);
    }
    expect((await bbans('compress', '-f', '-q', at('digits.idx'))).code).toBe(0);
    expect((await bbans('decompress', '-q', '--range', '5:5', at('digits.idx.bbans'), '-o', at('range-none.idx'))).code).toBe(0);
    expect(new Uint8Array(await readFile(at('range-none.idx')))).toEqual(files[0]![1]);
  }, 60_000);

  it('--version and --help', async () => {
    expect((await bbans('--version')).out).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await bbans('--help')).out).toMatch(/usage: bbans <command>/);
    expect((await bbans('compress', '--help')).out).toMatch(/usage: bbans compress/);
  });

  it('--help gives the default frame sizes that compress picks', async () => {
    const help = (await bbans('compress', '--help')).out.replace(/\s+/g, ' ');
    for (const name of [BEST_SHIPPED_MODEL.eightBit, BEST_SHIPPED_MODEL.binary]) {
      expect(help.match(new RegExp(`(\\d+) (?:images )?for ${name}\\b`))?.[1], name).toBe(String(defaultFrameSize(await resolveModel(name))));
    }
  });
});

/** The CLI in a child process (for standard input and output): exit code, stdout bytes, stderr text. */
function bbansProcess(args: string[], input?: Uint8Array): { code: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { input: input ?? new Uint8Array(0), maxBuffer: 1 << 26 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

describe('gzip and zstd conventions', () => {
  it('-d, -k, several files, -t, and exit codes 0, 1, 2', async () => {
    for (const name of ['a', 'b']) await writeFile(at(`${name}.idx`), await readFile(at('digits.idx')));
    expect((await bbans('compress', '-k', '-q', at('a.idx'), at('b.idx'))).code).toBe(0);
    expect(await readFile(at('a.idx')), '-k: inputs kept (always)').toEqual(await readFile(at('digits.idx')));
    await rm(at('a.idx'));
    expect((await bbans('-d', at('a.idx.bbans'))).code, 'bbans -d').toBe(0);
    expect(await readFile(at('a.idx'))).toEqual(await readFile(at('digits.idx')));
    expect((await bbans('compress', '-d', '-f', at('b.idx.bbans'))).code, 'compress -d').toBe(0);

    expect((await bbans('-t', at('a.idx.bbans'), at('b.idx.bbans'))), '-t writes nothing, says nothing').toMatchObject({ code: 0, out: '', err: '' });
    const damaged = await readFile(at('b.idx.bbans'));
    damaged[damaged.length - 9] ^= 0x10;
    await writeFile(at('bad.idx.bbans'), damaged);
    const tested = await bbans('decompress', '-t', at('a.idx.bbans'), at('bad.idx.bbans'));
    expect(tested.code).toBe(1);
    expect(tested.err).toMatch(new RegExp(`^bbans: ${at('bad.idx.bbans').replace(/[.\\/]/g, '.')}: `));
    expect(await readdir(dir), '-t never writes').not.toContain('bad.idx');

    // Several files: a failure is reported and the others still run.
    await rm(at('a.idx.bbans'));
    await writeFile(at('junk.idx'), 'not images');
    const several = await bbans('compress', '-q', at('junk.idx'), at('a.idx'));
    expect(several.code).toBe(1);
    expect(several.err).toMatch(/junk\.idx is neither a \.npy nor an idx ubyte file/);
    expect((await stat(at('a.idx.bbans'))).isFile()).toBe(true);

    expect((await bbans('compress', '-o', at('x.bbans'), at('a.idx'), at('b.idx'))).code, 'usage: -o with several inputs').toBe(2);
    expect((await bbans('-x')).code, 'usage: unknown option').toBe(2);
  });

  it('keeps the mode and modification time, and never replaces what is not a regular file', async () => {
    await writeFile(at('private.idx'), await readFile(at('digits.idx')));
    await chmod(at('private.idx'), 0o600);
    const mtime = new Date('2020-02-02T02:02:02Z');
    await utimes(at('private.idx'), mtime, mtime);
    expect((await bbans('compress', at('private.idx'))).code).toBe(0);
    const coded = await stat(at('private.idx.bbans'));
    expect(coded.mode & 0o777).toBe(0o600);
    expect(coded.mtime.getTime()).toBe(mtime.getTime());
    await rm(at('private.idx'));
    expect((await bbans('decompress', at('private.idx.bbans'))).code).toBe(0);
    expect((await stat(at('private.idx'))).mode & 0o777).toBe(0o600);

    const fifo = at('pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const toFifo = await bbans('compress', '-f', '-o', fifo, at('digits.idx'));
    expect(toFifo.code).toBe(1);
    expect(toFifo.err).toBe(`bbans: ${fifo} exists and is not a regular file; bbans replaces only regular files (use -c to write to standard output)`);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    const devNull = await bbans('compress', '-f', '-o', '/dev/null', at('digits.idx'));
    expect(devNull.err).toMatch(/\/dev\/null exists and is not a regular file/);
    expect((await lstat('/dev/null')).isCharacterDevice()).toBe(true);
  });

  it('never writes compressed data to a terminal without -f, nor reads it from one', async () => {
    const stdout = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    const stdin = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
    try {
      const toTerminal = await bbans('compress', '-c', at('digits.idx'));
      expect(toTerminal).toMatchObject({ code: 1, err: 'bbans: compressed data is not written to a terminal; use -f to force it, or -o FILE' });
      expect((await bbans('compress')).code, 'no file and stdin a terminal: usage').toBe(2);
      expect((await bbans('decompress', '-')).err).toBe('bbans: compressed data is not read from a terminal');
    } finally {
      for (const [stream, descriptor] of [[process.stdout, stdout], [process.stdin, stdin]] as const) {
        if (descriptor) Object.defineProperty(stream, 'isTTY', descriptor);
        else delete (stream as { isTTY?: boolean }).isTTY;
      }
    }
  });

  it('-c and standard input: with no file named, a pipe in and a pipe out', async () => {
    const original = await readFile(at('digits.idx'));
    const piped = bbansProcess(['-q'], original);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.subarray(0, 4).toString()).toBe('BBAN');
    const back = bbansProcess(['-d'], piped.stdout);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toEqual(original);
    const toStdout = bbansProcess(['compress', '-c', '-q', at('digits.idx')]);
    expect(toStdout.stdout).toEqual(piped.stdout);
    expect((await readdir(dir)).filter((f) => f === 'digits.idx.bbans.tmp')).toEqual([]);
  }, 60_000);

  it('kill -9 in the middle of compressing leaves no output and the input untouched; the next run clears its temporary file', async () => {
    const input = at('big.idx');
    // The test set six times: about half a minute of coding here, so the kill lands mid-chain.
    const mnist = loadMnistImages('test').pixels;
    const pixels = new Uint8Array(6 * mnist.length);
    for (let k = 0; k < 6; k++) pixels.set(mnist, k * mnist.length);
    await writeFile(input, writeIdx({ dims: [60000, 28, 28], data: pixels }));
    const before = await readFile(input);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'compress', '-q', input], { stdio: 'ignore' });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    const early = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(resolve, 4000))]);
    expect(early, 'bbans finished before the kill; the test needs a longer job').toBeUndefined();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const left = (await readdir(dir)).filter((name) => name.startsWith('big') || name.startsWith('.big'));
    // Output streams to a hidden temporary file, renamed into place only when complete.
    expect(left.filter((name) => name !== 'big.idx')).toEqual([expect.stringMatching(/^\.big\.idx\.bbans\.\d+-[0-9a-f]{12}\.tmp$/)]);
    expect((await readFile(input)).equals(before), 'input unchanged').toBe(true); // toEqual on 47 MB would take minutes
    await rm(input);
    await writeFile(at('one.raw'), mnist.subarray(0, 784));
    expect((await bbans('compress', '-q', '--shape', '28,28', '-o', at('big.idx.bbans'), at('one.raw'))).code).toBe(0);
    expect((await readdir(dir)).filter((name) => name.startsWith('big') || name.startsWith('.big'))).toEqual(['big.idx.bbans']);
  }, 60_000);

  it('a reader that goes away (| true) ends bbans quietly with 141, as SIGPIPE ends gzip', () => {
    // `true` has long exited when bbans, a second later, writes: the write meets a closed pipe.
    const pipeline = `"${process.execPath}" --import tsx src/cli.ts compress -c -q "${at('digits.idx')}" | true; exit \${PIPESTATUS[0]}`;
    const result = spawnSync('bash', ['-c', pipeline]);
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(141);
  }, 60_000);
});

