// NumPy's .npy format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor version
// byte, the header length (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0), then
// the header: a Python dict literal such as
//   {'descr': '<u2', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and ended by '\n' (latin1 text in 1.0 and 2.0, utf8 in 3.0), then the
// raw element data.
//
// bbans codes grayscale images, so only unsigned 8- and 16-bit integers and bool are read, in C
// order. The header is kept exactly as read so that a decompressed file is the original byte for
// byte (numpy's padding rules have changed across versions, and other writers pad differently).
//
// The reader is meant for untrusted input: the header is parsed by a small strict parser of the
// literal subset numpy writes (never evaluated), its length is capped before it is read, and the
// size the shape implies is checked against the bytes present before anything is allocated.

export type NpyDtype = '|u1' | '|b1' | '<u2' | '>u2';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Values: Uint8Array for |u1 and |b1 (0/1), Uint16Array (native values) for <u2 and >u2. */
  data: Uint8Array | Uint16Array;
  /** The file's header exactly as read (magic through the newline that ends it), so writeNpy can restore the file byte for byte. */
  header: Uint8Array;
}

export class NpyFormatError extends Error {
  constructor(message: string) {
    super(`npy: ${message}`);
    this.name = 'NpyFormatError';
  }
}

/** The first six bytes of every .npy file: "\x93NUMPY". */
export const NPY_MAGIC: Uint8Array = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
/** A private copy, so that a caller writing into NPY_MAGIC cannot change what is checked. */
const MAGIC: readonly number[] = Array.from(NPY_MAGIC);

/** Longest header accepted (the header length field, padding and final newline included). */
const MAX_HEADER_BYTES = 65536;
/** Highest rank accepted: images, stacks of images, and a little room. */
const MAX_RANK = 8;
/** numpy aligns the data to this many bytes from the start of the file. */
const ARRAY_ALIGN = 64;
/** numpy >= 1.24 leaves room after the dict for the first dimension to grow to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;

const ITEM_BYTES: Record<NpyDtype, number> = { '|u1': 1, '|b1': 1, '<u2': 2, '>u2': 2 };
const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape'] as const;
type HeaderKey = (typeof EXPECTED_KEYS)[number];

const UNSUPPORTED_DTYPE = 'bbans codes unsigned 8- or 16-bit images (uint8, uint16) or bool';

/** Other spellings numpy accepts for the supported types but never writes in a header. */
const DTYPE_ALIASES: Record<string, NpyDtype> = {
  u1: '|u1', '<u1': '|u1', '>u1': '|u1', '=u1': '|u1', uint8: '|u1', B: '|u1',
  b1: '|b1', '<b1': '|b1', '>b1': '|b1', '=b1': '|b1', bool: '|b1', '?': '|b1',
  u2: '<u2', '=u2': '<u2', uint16: '<u2', H: '<u2',
};

/** True when `bytes` starts with the .npy magic (nothing else is checked). */
export function isNpy(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Parses a .npy file of uint8, uint16 (either byte order) or bool values in C order.
 * For |u1 and |b1 the returned data is a view into `bytes` (no copy); uint16 values are decoded
 * into a new Uint16Array. `header` is a view of the header bytes. Throws NpyFormatError for
 * anything else: foreign or truncated files, other dtypes, Fortran order, malformed headers,
 * trailing bytes, bool values other than 0 and 1.
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  const { dtype, shape, headerBytes } = parseHeader(bytes, 'file');
  const itemBytes = ITEM_BYTES[dtype];
  // Exact arithmetic: the product of up to 8 safe integers can exceed 2^53.
  const needed = shape.reduce((product, dim) => product * BigInt(dim), 1n) * BigInt(itemBytes);
  const available = bytes.length - headerBytes;
  if (needed > BigInt(available)) {
    throw new NpyFormatError(
      `truncated data: shape ${shapeText(shape)} of ${dtype} needs ${needed} bytes after the header, ` +
        `file has ${available} (${needed - BigInt(available)} bytes missing)`,
    );
  }
  if (needed < BigInt(available)) {
    throw new NpyFormatError(
      `${BigInt(available) - needed} unexpected trailing bytes after the ${needed} bytes of shape ${shapeText(shape)} of ${dtype}`,
    );
  }
  const count = Number(needed) / itemBytes;
  const header = bytes.subarray(0, headerBytes);
  if (itemBytes === 1) {
    const data = bytes.subarray(headerBytes, headerBytes + count);
    if (dtype === '|b1') checkBool(data, shape, 'file');
    return { dtype, shape, data, header };
  }
  // The data may start at an odd address in the underlying buffer: decode through a DataView.
  const view = new DataView(bytes.buffer, bytes.byteOffset + headerBytes, count * 2);
  const little = dtype === '<u2';
  const data = new Uint16Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getUint16(2 * i, little);
  return { dtype, shape, data, header };
}

/**
 * Serialises an array as a .npy file (the inverse of readNpy). With `header`, that header is
 * written verbatim (after checking it describes this dtype and shape); without, a canonical header
 * as numpy >= 1.24 writes it (version 1.0, padded with spaces to a multiple of 64 bytes, ending in \n).
 */
export function writeNpy(array: {
  dtype: NpyDtype;
  shape: number[];
  data: Uint8Array | Uint16Array;
  header?: Uint8Array;
}): Uint8Array {
  const { dtype, shape, data } = array;
  if (!Object.hasOwn(ITEM_BYTES, dtype)) {
    throw new NpyFormatError(`cannot write dtype ${String(dtype)}; ${UNSUPPORTED_DTYPE} (|u1, <u2, >u2, |b1)`);
  }
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    throw new NpyFormatError(`shape must be an array of at most ${MAX_RANK} dimensions, got ${String(shape)}`);
  }
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new NpyFormatError(`dimension ${dim} in shape ${shapeText(shape)} is not a non-negative safe integer`);
    }
  }
  const wide = dtype === '<u2' || dtype === '>u2';
  if (wide ? !(data instanceof Uint16Array) : !(data instanceof Uint8Array)) {
    throw new NpyFormatError(
      `dtype ${dtype} needs its data in a ${wide ? 'Uint16Array' : 'Uint8Array'}, got ${typeName(data)}`,
    );
  }
  const count = countElements(shape);
  if (count !== data.length) {
    throw new NpyFormatError(`shape ${shapeText(shape)} holds ${count} elements, data has ${data.length}`);
  }
  if (dtype === '|b1') checkBool(data as Uint8Array, shape, 'data');

  const header = npyHeader(dtype, shape, array.header);
  const body = npyData(dtype, data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/**
 * The header of a .npy file of this dtype and shape: `given` verbatim after checking it describes
 * them, else the canonical one.
 */
export function npyHeader(dtype: NpyDtype, shape: number[], given?: Uint8Array): Uint8Array {
  if (given === undefined) return canonicalHeader(dtype, shape);
  if (!(given instanceof Uint8Array)) throw new NpyFormatError(`header must be a Uint8Array, got ${typeName(given)}`);
  const parsed = parseHeader(given, 'header');
  if (parsed.headerBytes !== given.length) {
    throw new NpyFormatError(`the given header is ${given.length} bytes but its length field says ${parsed.headerBytes}`);
  }
  if (parsed.dtype !== dtype) {
    throw new NpyFormatError(`the given header describes dtype ${parsed.dtype}, the array is ${dtype}`);
  }
  if (shapeText(parsed.shape) !== shapeText(shape)) {
    throw new NpyFormatError(`the given header describes shape ${shapeText(parsed.shape)}, the array has shape ${shapeText(shape)}`);
  }
  return given;
}

/** The data bytes of a .npy file: bytes as they are, 16-bit values in the dtype's byte order. */
export function npyData(dtype: NpyDtype, data: Uint8Array | Uint16Array): Uint8Array {
  if (ITEM_BYTES[dtype] === 1) return data as Uint8Array;
  const out = new Uint8Array(2 * data.length);
  const view = new DataView(out.buffer);
  const little = dtype === '<u2';
  for (let i = 0; i < data.length; i++) view.setUint16(2 * i, data[i]!, little);
  return out;
}

/** The dtype, shape and length of a .npy file's header at the start of `bytes`. */
export function readNpyHeader(bytes: Uint8Array): { dtype: NpyDtype; shape: number[]; headerBytes: number } {
  return parseHeader(bytes, 'file');
}

/** The header numpy >= 1.24 writes with np.save for a C-order array of this dtype and shape. */
function canonicalHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  let text = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  if (shape.length > 0) text += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const prefixBytes = MAGIC.length + 2 + 2;
  // numpy pads to the *next* multiple of 64, adding a full 64 spaces when already aligned.
  const padding = ARRAY_ALIGN - ((prefixBytes + text.length + 1) % ARRAY_ALIGN);
  text += ' '.repeat(padding) + '\n';
  const out = new Uint8Array(prefixBytes + text.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = text.length & 0xff;
  out[9] = text.length >>> 8;
  for (let i = 0; i < text.length; i++) out[prefixBytes + i] = text.charCodeAt(i);
  return out;
}

interface ParsedHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Bytes from the start of the file to the first data byte. */
  headerBytes: number;
}

/** Reads and checks the magic, version, length and dict of a header at the start of `bytes`. */
function parseHeader(bytes: Uint8Array, what: 'file' | 'header'): ParsedHeader {
  if (!isNpy(bytes)) {
    if (bytes.length < MAGIC.length && isPrefixOfMagic(bytes)) {
      throw new NpyFormatError(`${what} of ${bytes.length} bytes is too short for an npy header`);
    }
    const start = Array.from(bytes.subarray(0, MAGIC.length), hex).join('');
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    throw new NpyFormatError(
      `not an npy ${what}: it starts with 0x${start}, expected the magic \\x93NUMPY (0x934e554d5059)` +
        (zip ? ' (this looks like a zip archive: an .npz holds .npy files, extract them first)' : ''),
    );
  }
  if (bytes.length < 8) {
    throw new NpyFormatError(`${what} of ${bytes.length} bytes is too short for an npy header`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (minor !== 0 || major < 1 || major > 3) {
    throw new NpyFormatError(`format version ${major}.${minor} is not supported (only 1.0, 2.0 and 3.0)`);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  const prefixBytes = 8 + lengthBytes;
  if (bytes.length < prefixBytes) {
    throw new NpyFormatError(`${what} of ${bytes.length} bytes is too short for an npy ${major}.0 header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, prefixBytes);
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (length > MAX_HEADER_BYTES) {
    throw new NpyFormatError(`header length ${length} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const headerBytes = prefixBytes + length;
  if (bytes.length < headerBytes) {
    throw new NpyFormatError(
      `truncated header: its length field says ${length} bytes, ${what} has ${bytes.length - prefixBytes} after the length field`,
    );
  }
  const raw = bytes.subarray(prefixBytes, headerBytes);
  if (raw.length === 0 || raw[raw.length - 1] !== 0x0a) {
    throw new NpyFormatError(`header does not end with a newline`);
  }
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
    } catch {
      throw new NpyFormatError('version 3.0 header is not valid utf8');
    }
  } else {
    text = latin1(raw);
  }
  const { dtype, shape } = interpretDict(parseDict(text));
  return { dtype, shape, headerBytes };
}

type Value =
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tuple'; value: number[] };

/**
 * Parses `{key: value, ...}` followed only by whitespace, for string keys, and values that are
 * strings, True/False, or tuples of non-negative ints. Each of the three expected keys must
 * appear exactly once.
 */
function parseDict(text: string): Map<HeaderKey, Value> {
  let pos = 0;
  function fail(problem: string): never {
    throw new NpyFormatError(`malformed header at character ${pos}: ${problem}; header is ${clip(text)}`);
  }
  const found = (): string =>
    pos >= text.length ? 'the end of the header' : JSON.stringify(text.slice(pos, pos + 12));
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const expect = (char: string, context: string): void => {
    skipSpace();
    if (text[pos] !== char) fail(`expected '${char}' ${context}, found ${found()}`);
    pos++;
  };

  const parseString = (): string => {
    const quote = text[pos]!;
    const start = ++pos;
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') fail('escape sequences in strings are not supported');
      if (text[pos] === '\n') fail('unterminated string');
      pos++;
    }
    if (pos >= text.length) fail('unterminated string');
    return text.slice(start, pos++);
  };

  const parseInt = (context: string): number => {
    const start = pos;
    while (pos < text.length && text[pos]! >= '0' && text[pos]! <= '9') pos++;
    const digits = text.slice(start, pos);
    if (/^[A-Za-z_.]/.test(text[pos] ?? '')) {
      const long = /^[lL]\b/.test(text.slice(pos, pos + 2)) ? ' (a Python 2 long: re-save the file with Python 3)' : '';
      pos = start;
      fail(`${context} must be a plain decimal integer, found ${found()}${long}`);
    }
    if (digits.length > 1 && digits[0] === '0') {
      pos = start;
      fail(`${context} ${digits} has a leading zero`);
    }
    const value = Number(digits);
    if (digits.length > 16 || !Number.isSafeInteger(value)) {
      pos = start;
      fail(`${context} ${digits} is larger than 2^53 - 1`);
    }
    return value;
  };

  /** `()`, `(5,)`, `(3, 4)` or `(3, 4,)`: a tuple of non-negative ints. */
  const parseTuple = (key: string): number[] => {
    pos++; // '('
    const items: number[] = [];
    skipSpace();
    if (text[pos] === ')') {
      pos++;
      return items;
    }
    for (;;) {
      skipSpace();
      const c = text[pos];
      if (c === '-') fail(`negative dimension in '${key}'`);
      if (c === undefined || c < '0' || c > '9') fail(`'${key}' must be a tuple of non-negative ints, found ${found()}`);
      items.push(parseInt(`dimension of '${key}'`));
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        skipSpace();
        if (text[pos] === ')') {
          pos++;
          return items;
        }
      } else if (text[pos] === ')') {
        if (items.length === 1) {
          fail(`(${items[0]}) is an int in parentheses, not a tuple: a 1-tuple is written (${items[0]},)`);
        }
        pos++;
        return items;
      } else {
        fail(`expected ',' or ')' in '${key}', found ${found()}`);
      }
    }
  };

  const parseValue = (key: string): Value => {
    skipSpace();
    const c = text[pos];
    if (c === "'" || c === '"') return { kind: 'str', value: parseString() };
    if (c === '(') return { kind: 'tuple', value: parseTuple(key) };
    if (c === '[') {
      if (key === 'descr') {
        throw new NpyFormatError(
          `descr is a list of fields: structured (record) dtypes are not supported; ${UNSUPPORTED_DTYPE}`,
        );
      }
      fail(`'${key}' is a list, which is not valid here`);
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos, pos + 64))?.[0];
    if (name === 'True' || name === 'False') {
      pos += name.length;
      return { kind: 'bool', value: name === 'True' };
    }
    if (name !== undefined) fail(`unexpected name ${name} as the value of '${key}'`);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) fail(`'${key}' is a number, which is not valid here`);
    return fail(`expected a value for '${key}', found ${found()}`);
  };

  const entries = new Map<HeaderKey, Value>();
  expect('{', 'at the start of the header dict');
  for (;;) {
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      break;
    }
    if (text[pos] !== "'" && text[pos] !== '"') fail(`expected a quoted key or '}', found ${found()}`);
    const keyAt = pos;
    const key = parseString();
    if (!(EXPECTED_KEYS as readonly string[]).includes(key)) {
      pos = keyAt;
      fail(`unknown key ${JSON.stringify(key)} (the header has exactly 'descr', 'fortran_order' and 'shape')`);
    }
    if (entries.has(key as HeaderKey)) {
      pos = keyAt;
      fail(`duplicate key '${key}'`);
    }
    expect(':', `after key '${key}'`);
    entries.set(key as HeaderKey, parseValue(key));
    skipSpace();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') fail(`expected ',' or '}' after the value of '${key}', found ${found()}`);
  }
  skipSpace();
  if (pos < text.length) fail(`unexpected ${found()} after the header dict`);
  for (const key of EXPECTED_KEYS) {
    if (!entries.has(key)) throw new NpyFormatError(`header has no '${key}' key; header is ${clip(text)}`);
  }
  return entries;
}

/** Checks the value types, the dtype, the memory order and the rank. */
function interpretDict(entries: Map<HeaderKey, Value>): { dtype: NpyDtype; shape: number[] } {
  const descr = entries.get('descr')!;
  if (descr.kind !== 'str') throw new NpyFormatError(`descr must be a string, got ${describe(descr)}`);
  const dtype = descr.value;
  if (!Object.hasOwn(ITEM_BYTES, dtype)) {
    const alias = Object.hasOwn(DTYPE_ALIASES, dtype) ? DTYPE_ALIASES[dtype] : undefined;
    throw new NpyFormatError(
      `dtype ${dtype} is not supported; ${UNSUPPORTED_DTYPE}` +
        (alias ? ` (numpy writes this type as ${alias}: save it with np.save)` : ''),
    );
  }
  const fortran = entries.get('fortran_order')!;
  if (fortran.kind !== 'bool') throw new NpyFormatError(`fortran_order must be True or False, got ${describe(fortran)}`);
  if (fortran.value) {
    throw new NpyFormatError(
      'fortran_order is True (column-major data); bbans reads C-order arrays only: save with np.save(path, np.ascontiguousarray(a))',
    );
  }
  const shape = entries.get('shape')!;
  if (shape.kind !== 'tuple') throw new NpyFormatError(`shape must be a tuple of ints, got ${describe(shape)}`);
  if (shape.value.length > MAX_RANK) {
    throw new NpyFormatError(`rank ${shape.value.length} is not supported (at most ${MAX_RANK} dimensions)`);
  }
  return { dtype: dtype as NpyDtype, shape: shape.value };
}

/** Throws unless every byte is 0 or 1, naming the first bad element. */
function checkBool(data: Uint8Array, shape: readonly number[], where: 'file' | 'data'): void {
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > 1) {
      throw new NpyFormatError(
        `bool element ${i} ${indexText(i, shape)} of the ${where} is ${data[i]}; |b1 values must be 0 or 1`,
      );
    }
  }
}

/** Element count of a shape already known to fit in memory (or compared with a length). */
function countElements(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** The multi-index [i, j, ...] of flat index `flat` in C order. */
function indexText(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(flat % shape[axis]!);
    flat = Math.floor(flat / shape[axis]!);
  }
  return `[${index.join(', ')}]`;
}

/** A shape as Python writes a tuple: (), (5,), (3, 4). */
function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function describe(value: Value): string {
  if (value.kind === 'str') return `the string ${JSON.stringify(value.value)}`;
  if (value.kind === 'bool') return value.value ? 'True' : 'False';
  return `the tuple ${shapeText(value.value)}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'an object';
}

function isPrefixOfMagic(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}

/** The header text for an error message, shortened if long. */
function clip(text: string): string {
  const trimmed = text.trimEnd();
  return JSON.stringify(trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** The dtype a stored header (as NpyArray.header holds it) describes. */
export function npyHeaderDtype(header: Uint8Array): NpyDtype {
  return parseHeader(header, 'header').dtype;
}
