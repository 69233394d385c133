// The .npy reader and writer (src/data/npy.ts) against files written by real numpy
// (test/fixtures/npy/, made by test/fixtures/npy/make.py with numpy 1.24.2): values, byte-exact
// round trips, numpy's canonical header, and a refusal with a clear message for everything else.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NPY_MAGIC, NpyFormatError, isNpy, readNpy, writeNpy, type NpyArray, type NpyDtype } from '../src/data/npy.js';
import { randomInt, rng } from './random.js';

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/npy/${name}`, import.meta.url)));
}

/** Runs `fn`, expecting an NpyFormatError whose message contains every one of `parts`. */
function expectNpyError(fn: () => unknown, ...parts: string[]): NpyFormatError {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected an NpyFormatError').toBeInstanceOf(NpyFormatError);
  const message = (error as Error).message;
  expect(message.startsWith('npy: ')).toBe(true);
  for (const part of parts) expect(message).toContain(part);
  return error as NpyFormatError;
}

const encoder = new TextEncoder();

/** Same typed-array type and the same bytes (fast for large arrays, unlike toEqual). */
function expectSameBytes(actual: ArrayBufferView, expected: ArrayBufferView, label?: string): void {
  expect(actual.constructor, label).toBe(expected.constructor);
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  expect(Buffer.compare(bytes(actual), bytes(expected)), label).toBe(0);
}

/**
 * A .npy file with this dict text as its header, padded like numpy to a multiple of 64 bytes
 * (or not at all), in format version `major`.
 */
function npyFromText(
  text: string,
  data: Uint8Array = new Uint8Array(0),
  options: { major?: number; minor?: number; pad?: boolean; newline?: boolean } = {},
): Uint8Array {
  const { major = 1, minor = 0, pad = true, newline = true } = options;
  const prefixBytes = major === 1 ? 10 : 12;
  let body = encoder.encode(text);
  if (pad || newline) {
    const padding = pad ? 64 - ((prefixBytes + body.length + 1) % 64) : 0;
    const padded = new Uint8Array(body.length + padding + (newline ? 1 : 0)).fill(0x20);
    padded.set(body, 0);
    if (newline) padded[padded.length - 1] = 0x0a;
    body = padded;
  }
  const out = new Uint8Array(prefixBytes + body.length + data.length);
  out.set(NPY_MAGIC, 0);
  out[6] = major;
  out[7] = minor;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, body.length, true);
  else view.setUint32(8, body.length, true);
  out.set(body, prefixBytes);
  out.set(data, prefixBytes + body.length);
  return out;
}

const dictText = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const values = (n: number, rule: (i: number) => number) => Array.from({ length: n }, (_, i) => rule(i));

interface Expected {
  name: string;
  dtype: NpyDtype;
  shape: number[];
  values: number[];
  version: number;
  /** Written by np.save, so writeNpy's canonical header must reproduce it. */
  canonical: boolean;
}

// The rules of make.py.
const EXPECTED: Expected[] = [
  { name: 'u8.npy', dtype: '|u1', shape: [4, 3, 5], values: values(60, (i) => (37 * i) % 256), version: 1, canonical: true },
  { name: 'u16le.npy', dtype: '<u2', shape: [2, 3, 3], values: values(18, (i) => 65535 - 3851 * i), version: 1, canonical: true },
  { name: 'u16be.npy', dtype: '>u2', shape: [2, 3, 3], values: values(18, (i) => 65535 - 3851 * i), version: 1, canonical: true },
  { name: 'bool.npy', dtype: '|b1', shape: [3, 4, 4], values: values(48, (i) => ((7 * i) % 5 < 2 ? 1 : 0)), version: 1, canonical: true },
  { name: 'u8-1d.npy', dtype: '|u1', shape: [7], values: values(7, (i) => 40 * i), version: 1, canonical: true },
  { name: 'u16-0d.npy', dtype: '<u2', shape: [], values: [0x1234], version: 1, canonical: true },
  { name: 'empty.npy', dtype: '|u1', shape: [0, 3], values: [], version: 1, canonical: true },
  { name: 'u16-v2.npy', dtype: '<u2', shape: [5], values: [1, 256, 65535, 0, 4660], version: 2, canonical: false },
  { name: 'u8-v3.npy', dtype: '|u1', shape: [2, 3], values: values(6, (i) => 200 + i), version: 3, canonical: false },
];

function headerLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return bytes[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
}

describe('readNpy and writeNpy on numpy files', () => {
  for (const e of EXPECTED) {
    it(`${e.name}: ${e.dtype} ${JSON.stringify(e.shape)} reads to the expected values`, () => {
      const bytes = fixture(e.name);
      expect(isNpy(bytes)).toBe(true);
      expect(bytes[6]).toBe(e.version);
      const array = readNpy(bytes);
      expect(array.dtype).toBe(e.dtype);
      expect(array.shape).toEqual(e.shape);
      expect(array.data).toBeInstanceOf(e.dtype.endsWith('u2') ? Uint16Array : Uint8Array);
      expect(Array.from(array.data)).toEqual(e.values);
      const headerBytes = headerLength(bytes);
      expect(headerBytes % 64).toBe(0);
      expect(array.header).toEqual(bytes.subarray(0, headerBytes));
      expect(array.header[array.header.length - 1]).toBe(0x0a);
      if (!e.dtype.endsWith('u2')) {
        // A view into the input, not a copy.
        expect(array.data.buffer).toBe(bytes.buffer);
        expect(array.data.byteOffset).toBe(bytes.byteOffset + headerBytes);
      }
    });

    it(`${e.name}: writeNpy(readNpy(bytes)) is the file byte for byte`, () => {
      const bytes = fixture(e.name);
      expect(writeNpy(readNpy(bytes))).toEqual(bytes);
    });

    it(`${e.name}: writeNpy without a header ${e.canonical ? 'equals np.save' : 'writes the canonical 1.0 file'}`, () => {
      const bytes = fixture(e.name);
      const { dtype, shape, data } = readNpy(bytes);
      const written = writeNpy({ dtype, shape, data });
      if (e.canonical) {
        expect(written).toEqual(bytes);
      } else {
        expect(written.subarray(0, 8)).toEqual(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
        expect(written.subarray(headerLength(written))).toEqual(bytes.subarray(headerLength(bytes)));
        const again = readNpy(written);
        expect(again.dtype).toBe(dtype);
        expect(again.shape).toEqual(shape);
        expect(Array.from(again.data)).toEqual(e.values);
      }
    });
  }

  it('reads the data at any alignment (u16 data at an odd address in its buffer)', () => {
    for (const name of ['u16le.npy', 'u16be.npy', 'u16-v2.npy', 'u16-0d.npy']) {
      const bytes = fixture(name);
      const expected = Array.from(readNpy(bytes).data);
      for (const offset of [1, 3, 5, 7]) {
        const buffer = new Uint8Array(offset + bytes.length + 3);
        buffer.set(bytes, offset);
        const shifted = buffer.subarray(offset, offset + bytes.length);
        const array = readNpy(shifted);
        expect(Array.from(array.data)).toEqual(expected);
        expect(writeNpy(array)).toEqual(bytes);
      }
    }
  });

  it('little- and big-endian files hold the same values in opposite byte orders', () => {
    const le = fixture('u16le.npy');
    const be = fixture('u16be.npy');
    expect(le[128]).toBe(0xff);
    expect(le[130]).toBe(61684 & 0xff);
    expect(be[130]).toBe(61684 >>> 8);
    expect(Array.from(readNpy(le).data)).toEqual(Array.from(readNpy(be).data));
  });

  it("writes numpy's canonical header for many shapes (headers.json, from numpy's own writer)", () => {
    const cases = JSON.parse(readFileSync(new URL('./fixtures/npy/headers.json', import.meta.url), 'utf8')) as [
      NpyDtype,
      number[],
      string,
      number,
    ][];
    expect(cases.length).toBeGreaterThan(10);
    for (const [dtype, shape, text, length] of cases) {
      const n = count(shape);
      const data = dtype.endsWith('u2') ? new Uint16Array(n) : new Uint8Array(n);
      const written = writeNpy({ dtype, shape, data });
      const header = written.subarray(0, length);
      const expected = new Uint8Array(length).fill(0x20);
      expected.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, (length - 10) & 0xff, (length - 10) >>> 8], 0);
      expected.set(encoder.encode(text), 10);
      expected[length - 1] = 0x0a;
      expect(header, `${dtype} ${JSON.stringify(shape)}`).toEqual(expected);
      expect(written.length).toBe(length + n * (dtype.endsWith('u2') ? 2 : 1));
      const back = readNpy(written);
      expect(back.shape).toEqual(shape);
      expect(back.header).toEqual(expected);
    }
  });

  it('isNpy checks the magic only; NPY_MAGIC is \\x93NUMPY', () => {
    expect(Array.from(NPY_MAGIC)).toEqual([0x93, ...Array.from(encoder.encode('NUMPY'))]);
    expect(isNpy(NPY_MAGIC)).toBe(true);
    expect(isNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 9]))).toBe(true);
    expect(isNpy(NPY_MAGIC.subarray(0, 5))).toBe(false);
    expect(isNpy(new Uint8Array(0))).toBe(false);
    expect(isNpy(encoder.encode('\x89PNG\r\n\x1a\n'))).toBe(false);
    expect(isNpy(fixture('f32.npy'))).toBe(true);
  });

  it('accepts the header spellings numpy reads: double quotes, any key order, spacing, trailing commas', () => {
    const data = new Uint8Array([1, 0, 0, 2, 255, 0]);
    const spellings = [
      `{"descr": "<u2", "fortran_order": False, "shape": (3,)}`,
      `{'shape':(3,),'fortran_order':False,'descr':'<u2'}`,
      `{ 'fortran_order' : False , 'descr' : "<u2" , 'shape' : ( 3 , ) , }`,
      `{'descr': '<u2',\n 'fortran_order': False,\n 'shape': (3,),\n}`,
      `\t{'descr':'<u2','fortran_order':False,'shape':(3,),}\t`,
    ];
    for (const text of spellings) {
      for (const pad of [true, false]) {
        const bytes = npyFromText(text, data, { pad });
        const array = readNpy(bytes);
        expect(array.dtype).toBe('<u2');
        expect(array.shape).toEqual([3]);
        expect(Array.from(array.data)).toEqual([1, 0x200, 255]);
        expect(writeNpy(array)).toEqual(bytes);
      }
    }
    expect(readNpy(npyFromText(dictText('|u1', '(2, 3,)'), new Uint8Array(6))).shape).toEqual([2, 3]);
    expect(readNpy(npyFromText(dictText('|u1', '(0,)'))).shape).toEqual([0]);
  });

  it('reads and restores a version 2.0 header of exactly 65536 bytes, the largest allowed', () => {
    const text = dictText('|u1', '(2,)');
    const body = new Uint8Array(65536).fill(0x20);
    body.set(encoder.encode(text), 0);
    body[65535] = 0x0a;
    const bytes = new Uint8Array(12 + 65536 + 2);
    bytes.set([...NPY_MAGIC, 2, 0, 0, 0, 1, 0], 0);
    bytes.set(body, 12);
    bytes.set([7, 9], 12 + 65536);
    const array = readNpy(bytes);
    expect(Array.from(array.data)).toEqual([7, 9]);
    expect(array.header.length).toBe(12 + 65536);
    expectSameBytes(writeNpy(array), bytes);
  });

  it('writeNpy with a header writes it verbatim', () => {
    const header = readNpy(fixture('u16-v2.npy')).header;
    const out = writeNpy({ dtype: '<u2', shape: [5], data: new Uint16Array([5, 4, 3, 2, 0xbeef]), header });
    expect(out.subarray(0, header.length)).toEqual(header);
    expect(Array.from(readNpy(out).data)).toEqual([5, 4, 3, 2, 0xbeef]);
    expect(out[header.length + 8]).toBe(0xef);
    const be = writeNpy({ dtype: '>u2', shape: [1], data: new Uint16Array([0xbeef]) });
    expect(Array.from(be.subarray(be.length - 2))).toEqual([0xbe, 0xef]);
  });
});

describe('random round trips', () => {
  const DTYPES: NpyDtype[] = ['|u1', '|b1', '<u2', '>u2'];

  function randomArray(random: () => number): Omit<NpyArray, 'header'> {
    const dtype = DTYPES[randomInt(random, 0, 3)]!;
    const rank = random() < 0.1 ? randomInt(random, 5, 8) : randomInt(random, 0, 4);
    const shape = Array.from({ length: rank }, () => randomInt(random, rank > 4 ? 1 : 0, rank > 4 ? 2 : 7));
    if (random() < 0.05 && rank > 0) {
      // A long axis (the others 1), or an empty array with a huge axis.
      const empty = random() < 0.5;
      shape.fill(empty ? randomInt(random, 1, 3) : 1);
      shape[randomInt(random, 0, rank - 1)] = empty ? randomInt(random, 1, 2 ** 40) : randomInt(random, 5_000, 50_000);
      if (empty) shape[randomInt(random, 0, rank - 1)] = 0;
    }
    const n = count(shape);
    const max = dtype === '|b1' ? 1 : dtype === '|u1' ? 255 : 65535;
    const data = dtype.endsWith('u2') ? new Uint16Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = random() < 0.2 ? (random() < 0.5 ? 0 : max) : randomInt(random, 0, max);
    return { dtype, shape, data };
  }

  /** Some other header writer's spelling of the same dict, in format 1.0, 2.0 or 3.0. */
  function randomSpelling(random: () => number, dtype: string, shape: number[]) {
    const q = random() < 0.5 ? "'" : '"';
    const sp = () => [' ', '', '  ', '\n', '\t'][randomInt(random, 0, 4)]!;
    const dims = shape.map(String).join(`,${sp()}`);
    const tuple = `(${sp()}${dims}${shape.length === 1 || (shape.length > 0 && random() < 0.5) ? ',' : ''}${sp()})`;
    const entries = [`${q}descr${q}:${sp()}${q}${dtype}${q}`, `${q}fortran_order${q}:${sp()}False`, `${q}shape${q}:${sp()}${tuple}`];
    for (let i = entries.length - 1; i > 0; i--) {
      const j = randomInt(random, 0, i);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    const text = `{${sp()}${entries.join(`,${sp()}`)}${random() < 0.5 ? ',' : ''}${sp()}}`;
    return { text, major: randomInt(random, 1, 3), pad: random() < 0.7 };
  }

  it('writeNpy then readNpy gives back every array; writeNpy(readNpy(file)) gives back every file', () => {
    const random = rng(20240611);
    for (let trial = 0; trial < 400; trial++) {
      const array = randomArray(random);
      const file = writeNpy(array);
      const back = readNpy(file);
      expect(back.dtype).toBe(array.dtype);
      expect(back.shape).toEqual(array.shape);
      expectSameBytes(back.data, array.data);
      expectSameBytes(writeNpy(back), file);
      expect(back.header.length % 64).toBe(0);

      const { text, major, pad } = randomSpelling(random, array.dtype, array.shape);
      const raw = writeNpy(array).subarray(back.header.length);
      const other = npyFromText(text, raw, { major, pad });
      const read = readNpy(other);
      expect(read.shape, text).toEqual(array.shape);
      expectSameBytes(read.data, array.data, text);
      expectSameBytes(writeNpy(read), other, text);
      // The same values under another file's header: that header is kept, the values rewritten.
      expectSameBytes(writeNpy({ ...array, header: read.header }), other, text);
    }
  });
});

describe('refusals', () => {
  it('other dtypes, with the reason', () => {
    const reason = 'is not supported; bbans codes unsigned 8- or 16-bit images (uint8, uint16) or bool';
    expectNpyError(() => readNpy(fixture('f32.npy')), `dtype <f4 ${reason}`);
    for (const descr of ['<i2', '<u4', '|i1', '<f8', '<f2', '>i8', '|O', '<U3', '|S5', '|V4', '<c8', '<M8[s]']) {
      expectNpyError(() => readNpy(npyFromText(dictText(descr, '(1,)'), new Uint8Array(16))), `dtype ${descr} ${reason}`);
    }
    // Spellings numpy accepts but never writes.
    expectNpyError(() => readNpy(npyFromText(dictText('<u1', '(1,)'), new Uint8Array(1))), `dtype <u1 ${reason}`, '|u1');
    expectNpyError(() => readNpy(npyFromText(dictText('u1', '(1,)'), new Uint8Array(1))), `dtype u1 ${reason}`, '|u1');
    expectNpyError(() => readNpy(npyFromText(dictText('=u2', '(1,)'), new Uint8Array(2))), `dtype =u2 ${reason}`, '<u2');
    expectNpyError(() => readNpy(npyFromText(dictText('?', '(1,)'), new Uint8Array(1))), `dtype ? ${reason}`, '|b1');
  });

  it('structured dtypes', () => {
    expectNpyError(() => readNpy(fixture('structured.npy')), 'structured', 'not supported');
  });

  it('Fortran order, saying how to save in C order', () => {
    expectNpyError(() => readNpy(fixture('fortran.npy')), 'fortran_order is True', 'np.ascontiguousarray');
    expectNpyError(() => readNpy(npyFromText(dictText('|u1', '(3,)', 'True'), new Uint8Array(3))), 'np.ascontiguousarray');
  });

  it('bool values other than 0 and 1, naming the first', () => {
    const data = new Uint8Array(12).fill(1);
    data[7] = 2;
    data[9] = 255;
    expectNpyError(() => readNpy(npyFromText(dictText('|b1', '(3, 4)'), data)), 'bool element 7 [1, 3]', 'is 2', '0 or 1');
    const bool = fixture('bool.npy');
    bool[128 + 47] = 0x80;
    expectNpyError(() => readNpy(bool), 'bool element 47 [2, 3, 3]', 'is 128');
  });

  it('truncated data and trailing bytes, with the byte counts', () => {
    const bytes = fixture('u16le.npy'); // 128 + 36 bytes
    expectNpyError(() => readNpy(bytes.subarray(0, 150)), 'truncated data', 'needs 36 bytes', 'has 22', '(14 bytes missing)');
    expectNpyError(() => readNpy(bytes.subarray(0, 128)), 'truncated data', '(36 bytes missing)');
    const longer = new Uint8Array(bytes.length + 5);
    longer.set(bytes);
    expectNpyError(() => readNpy(longer), '5 unexpected trailing bytes');
    const one = new Uint8Array(bytes.length + 1);
    one.set(bytes);
    expectNpyError(() => readNpy(one), '1 unexpected trailing bytes');
    // An odd count of u16 bytes.
    expectNpyError(() => readNpy(npyFromText(dictText('<u2', '(2,)'), new Uint8Array(3))), '(1 bytes missing)');
  });

  it('every truncation of small files fails with NpyFormatError', () => {
    for (const name of ['u16le.npy', 'bool.npy', 'u16-v2.npy', 'u8-v3.npy', 'u16-0d.npy']) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.length; length++) {
        const error = expectNpyError(() => readNpy(bytes.subarray(0, length)));
        if (length < 8) expect(error.message).toMatch(/too short/);
        else if (length < headerLength(bytes)) expect(error.message).toMatch(/too short|truncated header/);
        else expect(error.message).toContain('truncated data');
      }
    }
  });

  it('a header claiming a huge shape fails at once, with the exact shortfall, allocating nothing', () => {
    const cases: [string, string, bigint][] = [
      ['<u2', '(1000000000000000,)', 2n * 10n ** 15n],
      ['|u1', '(1000000, 1000000, 1000)', 10n ** 15n],
      ['>u2', `(${Array(8).fill(2 ** 53 - 1).join(', ')})`, 2n * (2n ** 53n - 1n) ** 8n],
    ];
    for (const [descr, shape, needed] of cases) {
      for (const major of [1, 2]) {
        const bytes = npyFromText(dictText(descr, shape), new Uint8Array(10), { major });
        const start = performance.now();
        expectNpyError(() => readNpy(bytes), 'truncated data', `needs ${needed} bytes`, `(${needed - 10n} bytes missing)`);
        expect(performance.now() - start).toBeLessThan(50);
      }
    }
  });

  it('header lengths beyond 65536 bytes, before reading the header', () => {
    for (const length of [65537, 1_000_000, 0xffffffff]) {
      const bytes = new Uint8Array([...NPY_MAGIC, 2, 0, 0, 0, 0, 0, 0x7b]);
      new DataView(bytes.buffer).setUint32(8, length, true);
      expectNpyError(() => readNpy(bytes), `header length ${length} exceeds the limit of 65536 bytes`);
    }
    const fine = new Uint8Array([...NPY_MAGIC, 3, 0, 0, 0, 1, 0, 0x7b]);
    expectNpyError(() => readNpy(fine), 'truncated header', '65536');
  });

  it('foreign files, with a hint for .npz', () => {
    expectNpyError(() => readNpy(encoder.encode('\x89PNG\r\n\x1a\n0000000000')), 'not an npy file');
    expectNpyError(() => readNpy(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0])), 'not an npy file', 'zip', '.npz');
    expectNpyError(() => readNpy(new Uint8Array([0x93, 0x4e, 0x55])), 'too short');
    expectNpyError(() => readNpy(new Uint8Array([0x93, 0x4f])), 'not an npy file');
  });

  it('unknown format versions', () => {
    for (const [major, minor] of [[4, 0], [0, 0], [1, 1], [2, 5], [255, 255]] as const) {
      const bytes = npyFromText(dictText('|u1', '(1,)'), new Uint8Array(1), { major: major === 1 ? 1 : 2, minor });
      bytes[6] = major;
      expectNpyError(() => readNpy(bytes), `format version ${major}.${minor} is not supported`);
    }
  });

  it('rank above 8 and dimensions that are not safe integers', () => {
    expectNpyError(() => readNpy(npyFromText(dictText('|u1', `(${Array(9).fill(1).join(', ')})`), new Uint8Array(1))), 'rank 9');
    expectNpyError(() => readNpy(npyFromText(dictText('|u1', '(9007199254740992,)'))), '9007199254740992 is larger than 2^53 - 1');
    expectNpyError(() => readNpy(npyFromText(dictText('|u1', '(123456789012345678901234567890,)'))), 'larger than 2^53 - 1');
    expectNpyError(() => readNpy(npyFromText(dictText('|u1', '(3, -1)'))), 'negative dimension');
  });

  it('malformed headers, naming the problem', () => {
    const bad: [string, string][] = [
      [dictText('|u1', '(5)'), '(5) is an int in parentheses, not a tuple'],
      [dictText('|u1', '(05,)'), 'leading zero'],
      [dictText('|u1', '(3L, 4L)'), 'Python 2 long'],
      [dictText('|u1', '(0x10,)'), 'plain decimal integer'],
      [dictText('|u1', '(1.5,)'), 'plain decimal integer'],
      [dictText('|u1', '(1_000,)'), 'plain decimal integer'],
      [dictText('|u1', '(,)'), "'shape' must be a tuple of non-negative ints"],
      [dictText('|u1', "('a',)"), "'shape' must be a tuple of non-negative ints"],
      [dictText('|u1', '((1,),)'), "'shape' must be a tuple of non-negative ints"],
      [dictText('|u1', '(1 2)'), "expected ',' or ')'"],
      [dictText('|u1', '[3]'), "'shape' is a list"],
      [dictText('|u1', "'3'"), 'shape must be a tuple of ints, got the string "3"'],
      [dictText('|u1', '3'), "'shape' is a number"],
      [dictText('|u1', '(1,)', "'False'"), 'fortran_order must be True or False'],
      [dictText('|u1', '(1,)', '0'), "'fortran_order' is a number"],
      [dictText('|u1', '(1,)', 'None'), 'unexpected name None'],
      [dictText('|u1', '(1,)', 'false'), 'unexpected name false'],
      [`{'descr': True, 'fortran_order': False, 'shape': (1,), }`, 'descr must be a string, got True'],
      [`{'descr': ('|u1', (2,)), 'fortran_order': False, 'shape': (1,), }`, "'descr' must be a tuple of non-negative ints"],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'extra': 1}`, 'unknown key "extra"'],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'shape': (1,)}`, "duplicate key 'shape'"],
      [`{'descr': '|u1', 'shape': (1,)}`, "no 'fortran_order' key"],
      [`{}`, "no 'descr' key"],
      [`{'descr': '|u1' 'fortran_order': False, 'shape': (1,)}`, "expected ',' or '}' after the value of 'descr'"],
      [`{'descr' '|u1', 'fortran_order': False, 'shape': (1,)}`, "expected ':' after key 'descr'"],
      [`{descr: '|u1', 'fortran_order': False, 'shape': (1,)}`, "expected a quoted key or '}'"],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,)`, "expected ',' or '}' after the value of 'shape', found the end of the header"],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,),`, "expected a quoted key or '}', found the end of the header"],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,)}}`, 'after the header dict'],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,)} # comment`, 'after the header dict'],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,),,}`, "expected a quoted key or '}'"],
      [`{'descr': '|u\\x31', 'fortran_order': False, 'shape': (1,)}`, 'escape sequences'],
      [`{'descr': '|u1`, 'unterminated string'],
      [`{'descr': '|u1, 'fortran_order': False, 'shape': (1,)}`, "expected ',' or '}' after the value of 'descr', found \"fortran_orde\""],
      [`{'descr': "|u1', 'fortran_order': False, 'shape': (1,)}`, 'unterminated string'],
      [`{'descr': b'|u1', 'fortran_order': False, 'shape': (1,)}`, 'unexpected name b'],
      [`{'descr': '|u1', 'fortran_order': False, 'shape': (1,)`.replace('{', '['), "expected '{' at the start"],
      [`dict(descr='|u1')`, "expected '{' at the start"],
      [``, "expected '{' at the start of the header dict, found the end of the header"],
      [`{'descr': , 'fortran_order': False, 'shape': (1,)}`, "expected a value for 'descr'"],
    ];
    for (const [text, problem] of bad) {
      expectNpyError(() => readNpy(npyFromText(text, new Uint8Array(1))), problem);
      expectNpyError(() => readNpy(npyFromText(text, new Uint8Array(1), { major: 3 })), problem);
    }
    const error = expectNpyError(() => readNpy(npyFromText(dictText('|u1', '(5)'))), 'malformed header at character');
    expect(error.message).toContain(JSON.stringify(dictText('|u1', '(5)')));
  });

  it('headers that do not end with a newline, and bad utf8 in 3.0', () => {
    expectNpyError(() => readNpy(npyFromText(dictText('|u1', '(1,)'), new Uint8Array(1), { newline: false })), 'newline');
    expectNpyError(() => readNpy(npyFromText('', new Uint8Array(0), { pad: false, newline: false })), 'newline');
    const utf8 = npyFromText(dictText('|u1', '(1,)') + ' \u00e9', new Uint8Array(1), { major: 3 });
    expectNpyError(() => readNpy(utf8), 'after the header dict');
    const bad = npyFromText(dictText('|u1', '(1,)') + ' ', new Uint8Array(1), { major: 3 });
    bad[12 + dictText('|u1', '(1,)').length] = 0xff;
    expectNpyError(() => readNpy(bad), 'not valid utf8');
    bad[6] = 2; // The same byte is a latin1 character in 2.0.
    expectNpyError(() => readNpy(bad), 'after the header dict', '\u00ff');
  });

  it('writeNpy: data that does not match the dtype or shape', () => {
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [2, 3], data: new Uint8Array(5) }), 'shape (2, 3) holds 6 elements, data has 5');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [], data: new Uint8Array(0) }), 'shape () holds 1 elements, data has 0');
    expectNpyError(() => writeNpy({ dtype: '<u2', shape: [2], data: new Uint8Array(2) }), 'dtype <u2 needs its data in a Uint16Array, got Uint8Array');
    expectNpyError(() => writeNpy({ dtype: '>u2', shape: [2], data: new Uint8Array(4) }), 'Uint16Array');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [2], data: new Uint16Array(2) }), 'dtype |u1 needs its data in a Uint8Array, got Uint16Array');
    expectNpyError(() => writeNpy({ dtype: '|b1', shape: [2], data: new Int8Array(2) as unknown as Uint8Array }), 'got Int8Array');
    expectNpyError(() => writeNpy({ dtype: '|b1', shape: [3], data: new Uint8Array([0, 1, 2]) }), 'bool element 2 [2] of the data is 2');
    expectNpyError(() => writeNpy({ dtype: '<f4' as NpyDtype, shape: [1], data: new Uint8Array(4) }), 'cannot write dtype <f4');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [-1], data: new Uint8Array(0) }), 'dimension -1');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [1.5], data: new Uint8Array(1) }), 'dimension 1.5');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [NaN], data: new Uint8Array(1) }), 'dimension NaN');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: Array(9).fill(1), data: new Uint8Array(1) }), 'at most 8 dimensions');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [2 ** 53 - 1, 2], data: new Uint8Array(1) }), 'data has 1');
  });

  it('writeNpy: a given header that does not describe the array', () => {
    const { header } = readNpy(fixture('u16le.npy'));
    const data = new Uint16Array(18);
    expectNpyError(() => writeNpy({ dtype: '>u2', shape: [2, 3, 3], data, header }), 'header describes dtype <u2, the array is >u2');
    expectNpyError(() => writeNpy({ dtype: '<u2', shape: [3, 2, 3], data, header }), 'header describes shape (2, 3, 3), the array has shape (3, 2, 3)');
    expectNpyError(() => writeNpy({ dtype: '<u2', shape: [18], data, header }), 'shape (2, 3, 3)');
    const longer = new Uint8Array(header.length + 1);
    longer.set(header);
    expectNpyError(() => writeNpy({ dtype: '<u2', shape: [2, 3, 3], data, header: longer }), `header is ${header.length + 1} bytes but its length field says ${header.length}`);
    expectNpyError(() => writeNpy({ dtype: '<u2', shape: [2, 3, 3], data, header: header.subarray(0, 100) }), 'truncated header');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [2, 3], data: new Uint8Array(6), header: fixture('fortran.npy').subarray(0, 128) }), 'np.ascontiguousarray');
    expectNpyError(() => writeNpy({ dtype: '|u1', shape: [1], data: new Uint8Array(1), header: encoder.encode('hello') }), 'not an npy header');
  });
});

describe('mutated files', () => {
  it('every mutation of a header either reads (and restores byte for byte) or fails with NpyFormatError', () => {
    const random = rng(7);
    const sources = ['u8.npy', 'u16be.npy', 'bool.npy', 'u16-v2.npy', 'u8-v3.npy', 'u16-0d.npy'].map(fixture);
    let read = 0;
    let refused = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = sources[trial % sources.length]!.slice();
      const edits = randomInt(random, 1, 3);
      for (let e = 0; e < edits; e++) {
        const at = random() < 0.85 ? randomInt(random, 0, 80) : randomInt(random, 0, bytes.length - 1);
        const pick = random();
        bytes[at] = pick < 0.4 ? randomInt(random, 0, 255) : pick < 0.7 ? " ,()'\"{}:0123456789TrueFalse-[]\n"
          .charCodeAt(randomInt(random, 0, 32)) : bytes[at]! ^ (1 << randomInt(random, 0, 7));
      }
      try {
        const array = readNpy(bytes);
        expect(writeNpy(array)).toEqual(bytes);
        read++;
      } catch (error) {
        if (!(error instanceof NpyFormatError)) throw error;
        refused++;
      }
    }
    expect(read).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(1000);
  });
});
