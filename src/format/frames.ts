// The frame records of a segment (format versions 2 and 3). Every record starts the same way: a
// tag that names its kind, its image count and the CRC-32 of its pixels; what follows is the
// kind's own (a coded frame's message, a stored frame's packed pixels). A version lists the kinds
// it has, and a reader picks the kind by the tag.
import { elementCount } from '../shape.js';
import { type ByteReader, type ByteWriter } from './bytes.js';
import { corrupt } from '../errors.js';
import type { StreamHeader } from './fields.js';

/** The kinds of frame record (src/format/coded-frame.ts, stored-frame.ts; their union is src/format/frame.ts's Frame). */
export type FrameKindName = 'coded' | 'stored';

/** What every frame record holds. */
export interface FrameRecord {
  kind: FrameKindName;
  count: number;
  crc32: number;
}

/** A frame holds at most 2^24 pixels (64 MiB while decoding), so a reader's memory stays bounded by a few frames. */
export const MAX_FRAME_PIXELS = 2 ** 24;

/** What a frame record says first: enough to describe it without reading the rest. */
export interface FramePrefix {
  kind: FrameKindName;
  count: number;
  crc32: number;
  /** The coded frame's chains; 0 for a stored frame, which has none. */
  chains: number;
}

/** How one kind of frame record is read. */
export interface FrameKind<F extends FrameRecord = FrameRecord> {
  kind: F['kind'];
  tag: number;
  /** The most bytes readPrefix reads. */
  maxPrefixBytes: number;
  /** Reads the record at r.at (TRUNCATED if it is not all there), within what the segment's header allows. */
  read(r: ByteReader, header: StreamHeader): F;
  /** Reads the record's prefix only. */
  readPrefix(r: ByteReader, header: StreamHeader): FramePrefix;
}

export function writeFrameStart(w: ByteWriter, tag: number, frame: Pick<FrameRecord, 'count' | 'crc32'>): void {
  w.u8(tag);
  w.varint(frame.count);
  w.u32(frame.crc32);
}

/** Reads a record's tag, image count and checksum, the count bounded by the frame's pixel limit. */
export function readFrameStart(r: ByteReader, tag: number, header: StreamHeader): Pick<FrameRecord, 'count' | 'crc32'> {
  if (r.u8('frame tag') !== tag) corrupt('a frame does not start with its tag');
  const count = r.varint('frame image count', Math.floor(MAX_FRAME_PIXELS / elementCount(header.itemShape)));
  if (count < 1) corrupt('a frame holds no images');
  return { count, crc32: r.u32('frame checksum') };
}
