// Where everything is in a bbans file, read from its end: each segment's trailer gives its index,
// the index gives every frame's length and image count and the segment's start, and whatever lies
// before that start is the previous segment. Only headers and indexes are read; a frame's bytes
// are read when it is loaded, so a reader decodes just the frames it needs.
import { BbansError, corrupt } from '../errors.js';
import { lanesOf } from '../message.js';
import { elementCount } from '../shape.js';
import { toHex } from '../sha256.js';
import { ByteReader } from './bytes.js';
import { MAGIC, type StreamHeader, hasMagic } from './fields.js';
import { VERSION as V1, readV1 } from './v1.js';
import { type Frame, type FramePrefix, MAX_FRAME_PREFIX_BYTES, TRAILER_BYTES, VERSION as V2, indexBytesOf, readFrame, readFramePrefix, readHeaderFields, readIndex } from './v2.js';

/** Bytes that can be read at any offset: a file, or an array in memory. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

export interface FrameRef {
  /** The index of the frame's first image in the whole file. */
  first: number;
  count: number;
  /** Where its record lies in the file. */
  offset: number;
  bytes: number;
  /** The header of the segment the frame belongs to (its coding settings). */
  header: StreamHeader;
  load(): Promise<Frame>;
  /** Its first few bytes only: its count, checksum and chains. */
  prefix(): Promise<FramePrefix>;
}

export interface Segment {
  header: StreamHeader;
  version: number;
  offset: number;
  bytes: number;
  frames: FrameRef[];
}

export interface Layout {
  segments: Segment[];
  frames: FrameRef[];
  /** Images in the whole file. */
  count: number;
  /** The stream's header: the first segment's (every later one must be joinable to it). */
  header: StreamHeader;
}

/** Throws unless the version byte after the magic is one this build reads. */
export function checkVersion(version: number): void {
  if (version !== V1 && version !== V2) {
    throw new BbansError('UNSUPPORTED_VERSION', `bbans file format version ${version} is not supported (this build reads versions ${V1} and ${V2})`);
  }
}

/** Throws unless a segment made as `next` may follow one made as `first` in one file. */
export function checkJoinable(first: StreamHeader, next: StreamHeader): void {
  const differs = (what: string, a: string, b: string): void => {
    if (a !== b) throw new BbansError('CORRUPT_MESSAGE', `the file joins segments that differ in ${what} (${a} and ${b}); only files made with the same model from the same kind of images concatenate`);
  };
  differs('model', `${first.modelName}@${toHex(first.fingerprint)}`, `${next.modelName}@${toHex(next.fingerprint)}`);
  differs('image shape', first.itemShape.join('x'), next.itemShape.join('x'));
  differs('source', `${first.source} ${8 * first.pixelBytes}-bit`, `${next.source} ${8 * next.pixelBytes}-bit`);
}

async function readV1Layout(source: ByteSource): Promise<Layout> {
  const bytes = await source.read(0, source.size);
  const { header, frames } = readV1(bytes);
  const refs = frames.map((frame): FrameRef => ({
    first: 0, count: frame.count, offset: 0, bytes: bytes.length, header,
    load: async () => frame,
    prefix: async () => ({ count: frame.count, crc32: frame.crc32, chains: lanesOf(frame.message) }),
  }));
  return { segments: [{ header, version: V1, offset: 0, bytes: bytes.length, frames: refs }], frames: refs, count: refs[0]?.count ?? 0, header };
}

/** The segment that ends at `end`, from its trailer and index back to its header. */
async function segmentEndingAt(source: ByteSource, end: number): Promise<Segment> {
  const indexBytes = end >= TRAILER_BYTES ? indexBytesOf(await source.read(end - TRAILER_BYTES, TRAILER_BYTES)) : undefined;
  if (indexBytes === undefined) {
    throw new BbansError(end === source.size ? 'TRUNCATED' : 'CORRUPT_MESSAGE', end === source.size
      ? 'truncated bbans file: it does not end with an index'
      : `corrupt bbans file: the ${end} bytes before a segment are not bbans segments`);
  }
  const indexStart = end - TRAILER_BYTES - indexBytes;
  if (indexBytes < 4 || indexStart < 0) corrupt(`an index of ${indexBytes} bytes does not fit in the file`);
  const index = readIndex(new ByteReader(await source.read(indexStart, end - indexStart), 0, 'bbans index'));
  const frameBytes = index.entries.reduce((n, e) => n + e.bytes, 0);
  const offset = indexStart - frameBytes - index.headerBytes;
  if (offset < 0) corrupt('the index describes more bytes than the file holds before it');
  const headBytes = await source.read(offset, index.headerBytes);
  if (!hasMagic(headBytes)) corrupt(`no segment header where the index says one starts (byte ${offset})`);
  const r = new ByteReader(headBytes, MAGIC.length, 'bbans header');
  const version = r.u8('format version');
  if (version !== V2) corrupt(`a version-${version} header inside a file of version-2 segments`);
  const header = readHeaderFields(r);
  if (r.at !== index.headerBytes) corrupt(`the header takes ${r.at} bytes, the index says ${index.headerBytes}`);
  const itemPixels = elementCount(header.itemShape);
  let at = offset + index.headerBytes;
  const frames = index.entries.map(({ bytes, count }): FrameRef => {
    const frameOffset = at;
    at += bytes;
    return {
      first: 0, count, offset: frameOffset, bytes, header,
      async load() {
        const record = new ByteReader(await source.read(frameOffset, bytes), 0, 'bbans frame');
        const frame = readFrame(record, itemPixels);
        if (frame.count !== count || record.at !== bytes) corrupt(`the frame at byte ${frameOffset} is not the one the index describes`);
        return frame;
      },
      async prefix() {
        const prefix = readFramePrefix(new ByteReader(await source.read(frameOffset, Math.min(bytes, MAX_FRAME_PREFIX_BYTES)), 0, 'bbans frame'), itemPixels);
        if (prefix.count !== count) corrupt(`the frame at byte ${frameOffset} is not the one the index describes`);
        return prefix;
      },
    };
  });
  return { header, version: V2, offset, bytes: end - offset, frames };
}

/** The layout of a file: its segments, from the last back to the first, then in file order. */
export async function readLayout(source: ByteSource): Promise<Layout> {
  const head = await source.read(0, Math.min(source.size, MAGIC.length + 1));
  if (!hasMagic(head)) throw new BbansError('NOT_BBANS', 'not a bbans file (the magic bytes "BBAN" are missing)');
  if (head.length <= MAGIC.length) throw new BbansError('TRUNCATED', 'truncated bbans file: it ends inside the format version');
  checkVersion(head[MAGIC.length]!);
  if (head[MAGIC.length] === V1) return readV1Layout(source);
  const segments: Segment[] = [];
  for (let end = source.size; end > 0; end = segments.at(-1)!.offset) segments.push(await segmentEndingAt(source, end));
  segments.reverse();
  const header = segments[0]!.header;
  let first = 0;
  for (const segment of segments) {
    checkJoinable(header, segment.header);
    for (const frame of segment.frames) {
      frame.first = first;
      first += frame.count;
    }
  }
  return { segments, frames: segments.flatMap((s) => s.frames), count: first, header };
}
