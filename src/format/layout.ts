// Where everything is in a bbans file, read from its end: each segment's trailer gives its index,
// the index gives every frame's length and image count and the segment's start, and whatever lies
// before that start is the previous segment. Only headers and indexes are read; a frame's bytes
// are read when it is loaded, so a reader decodes just the frames it needs.
import { BbansError } from '../errors.js';
import { ByteReader } from './bytes.js';
import { corrupt } from '../errors.js';
import { lanesOf } from '../message.js';
import { MAGIC, type StreamHeader, hasMagic } from './fields.js';
import type { Frame } from './frame.js';
import type { FrameKind, FramePrefix } from './frames.js';
import { StreamParser } from './parser.js';
import { TRAILER_BYTES, checkJoinable, frameKindAt, indexBytesOf, readIndex } from './segment.js';
import { type WholeFileVersion, formatOf } from './versions.js';

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

/** A whole-file version's file (version 1) as one segment of one frame. */
async function readWholeFileLayout(source: ByteSource, format: WholeFileVersion): Promise<Layout> {
  const bytes = await source.read(0, source.size);
  const { header, frames } = format.read(bytes);
  const refs = frames.map((frame): FrameRef => ({
    first: 0, count: frame.count, offset: 0, bytes: bytes.length, header,
    load: async () => frame,
    prefix: async () => ({ kind: frame.kind, count: frame.count, crc32: frame.crc32, chains: lanesOf(frame.message) }),
  }));
  return { segments: [{ header, version: format.version, offset: 0, bytes: bytes.length, frames: refs }], frames: refs, count: refs[0]?.count ?? 0, header };
}

/** Bytes read at a time when a file is read from the front. */
const CHUNK_BYTES = 1 << 20;

/**
 * Why a file does not end with an index: read from the front, it stops being a bbans file
 * somewhere (it is cut short, or bytes follow its last segment), and the front reader says where.
 */
async function whyNoIndexAtEnd(source: ByteSource): Promise<never> {
  const parser = new StreamParser();
  for (let at = 0; at < source.size; at += CHUNK_BYTES) parser.push(await source.read(at, Math.min(CHUNK_BYTES, source.size - at)));
  parser.end();
  // The front reader takes only files that end with an index, so it has thrown already.
  throw new BbansError('TRUNCATED', 'truncated bbans file: it does not end with an index');
}

/** Reads a frame record within the bytes its index entry gives it (a record that claims more disagrees with the index). */
function withinEntry<T>(offset: number, bytes: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof BbansError && error.code === 'TRUNCATED') corrupt(`the frame at byte ${offset} is longer than the ${bytes} bytes the index gives it`);
    throw error;
  }
}

/** The segment that ends at `end`, from its trailer and index back to its header. */
async function segmentEndingAt(source: ByteSource, end: number): Promise<Segment> {
  const indexBytes = end >= TRAILER_BYTES ? indexBytesOf(await source.read(end - TRAILER_BYTES, TRAILER_BYTES)) : undefined;
  if (indexBytes === undefined) {
    if (end === source.size) return whyNoIndexAtEnd(source);
    corrupt(`the ${end} bytes before a segment are not bbans segments`);
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
  const format = formatOf(r.u8('format version'));
  if (format.layout !== 'segments') corrupt(`a version-${format.version} file joined with bbans segments`);
  const header = format.readHeader(r);
  if (r.at !== index.headerBytes) corrupt(`the header takes ${r.at} bytes, the index says ${index.headerBytes}`);
  const maxPrefixBytes = Math.max(...format.frameKinds.map((kind) => kind.maxPrefixBytes));
  let at = offset + index.headerBytes;
  const frames = index.entries.map(({ bytes, count }): FrameRef => {
    const frameOffset = at;
    at += bytes;
    /** The record's first `length` bytes, its kind, and its prefix, checked against the index entry. */
    const readStart = async (length: number): Promise<{ record: ByteReader; kind: FrameKind<Frame>; prefix: FramePrefix }> => {
      const record = new ByteReader(await source.read(frameOffset, length), 0, 'bbans frame');
      const kind = frameKindAt(format.frameKinds, record) ?? corrupt(`an index at byte ${frameOffset}, where the index says a frame starts`);
      const prefix = withinEntry(frameOffset, bytes, () => kind.readPrefix(record, header));
      if (prefix.count !== count) corrupt(`the frame at byte ${frameOffset} holds ${prefix.count} images, the index says ${count}`);
      return { record, kind, prefix };
    };
    return {
      first: 0, count, offset: frameOffset, bytes, header,
      async load() {
        const { record, kind } = await readStart(bytes);
        record.at = 0;
        const frame = withinEntry(frameOffset, bytes, () => kind.read(record, header));
        if (record.at !== bytes) corrupt(`the frame at byte ${frameOffset} takes ${record.at} bytes, the index says ${bytes}`);
        return frame;
      },
      prefix: async () => (await readStart(Math.min(bytes, maxPrefixBytes))).prefix,
    };
  });
  return { header, version: format.version, offset, bytes: end - offset, frames };
}

/** The layout of a file: its segments, from the last back to the first, then in file order. */
export async function readLayout(source: ByteSource): Promise<Layout> {
  const head = await source.read(0, Math.min(source.size, MAGIC.length + 1));
  if (!hasMagic(head)) throw new BbansError('NOT_BBANS', 'not a bbans file (the magic bytes "BBAN" are missing)');
  if (head.length <= MAGIC.length) throw new BbansError('TRUNCATED', 'truncated bbans file: it ends inside the format version');
  const format = formatOf(head[MAGIC.length]!);
  if (format.layout === 'whole-file') return readWholeFileLayout(source, format);
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
