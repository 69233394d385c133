// Takes files apart and puts them back together with consistent indexes, so tests can change one
// field (a header setting, a frame's count) or one frame record and see how a decoder treats it:
// a one-segment file as parsed frames (takeApart, putTogether, written as the current version), or
// a file of any segments as their raw bytes (rawSegments, joinSegments, each keeping its version).
import { type StreamHeader } from '../src/format/fields.js';
import type { Frame } from '../src/format/frame.js';
import type { FrameKindName } from '../src/format/frames.js';
import { StreamParser } from '../src/format/parser.js';
import { writeCodedFrame } from '../src/format/coded-frame.js';
import { writeStoredFrame } from '../src/format/stored-frame.js';
import { writeIndex } from '../src/format/segment.js';
import { WRITTEN } from '../src/format/versions.js';
import { concatBytes } from '../src/format/bytes.js';
import { describe } from '../src/describe.js';

export interface Parts {
  header: StreamHeader;
  frames: Frame[];
}

export function takeApart(bytes: Uint8Array): Parts {
  const parser = new StreamParser();
  const frames = [...parser.push(bytes), ...parser.end()].map((f) => f.frame);
  return { header: parser.header!, frames };
}

export function putTogether({ header, frames }: Parts): Uint8Array {
  const head = WRITTEN.writeHeader(header);
  const records = frames.map((frame) => (frame.kind === 'coded' ? writeCodedFrame(frame) : writeStoredFrame(frame)));
  return concatBytes([head, ...records, indexFor(head, records, frames.map((f) => f.count))]);
}

/** One segment of a file as its bytes: its header, each frame's record, and its index with the trailer. */
export interface RawSegment {
  version: number;
  header: StreamHeader;
  head: Uint8Array;
  records: Uint8Array[];
  /** Each record's images and kind, as the index and the record say. */
  counts: number[];
  kinds: FrameKindName[];
  index: Uint8Array;
}

/** The segments of a (well-formed) file, cut where its layout says they and their frames lie. */
export async function rawSegments(bytes: Uint8Array): Promise<RawSegment[]> {
  return (await describe(bytes)).segments.map(({ version, header, offset, bytes: length, frames }) => {
    const end = offset + length;
    const indexStart = frames.length > 0 ? frames.at(-1)!.offset + frames.at(-1)!.bytes : end - indexLength(bytes, end);
    return {
      version, header,
      head: bytes.slice(offset, frames[0]?.offset ?? indexStart),
      records: frames.map((f) => bytes.slice(f.offset, f.offset + f.bytes)),
      counts: frames.map((f) => f.count),
      kinds: frames.map((f) => f.kind),
      index: bytes.slice(indexStart, end),
    };
  });
}

/** The index and trailer of the segment ending at `end`: the trailer's first 4 bytes give the index's length before it. */
function indexLength(bytes: Uint8Array, end: number): number {
  return 8 + new DataView(bytes.buffer, bytes.byteOffset + end - 8, 4).getUint32(0, true);
}

/** The segment with an index that describes its records as they now are. */
export function reindexed(segment: RawSegment): RawSegment {
  return { ...segment, index: indexFor(segment.head, segment.records, segment.counts) };
}

function indexFor(head: Uint8Array, records: Uint8Array[], counts: number[]): Uint8Array {
  return writeIndex(head.length, records.map((r, i) => ({ bytes: r.length, count: counts[i]! })));
}

/** The segments as one file, each as its parts say (its index as it is, consistent or not). */
export function joinSegments(segments: RawSegment[]): Uint8Array {
  return concatBytes(segments.flatMap((s) => [s.head, ...s.records, s.index]));
}
