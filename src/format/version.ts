// What a format version is (src/format/versions.ts holds the ones this build knows): how its
// files are laid out, how its header reads, which kinds of frame it has, and for the one bbans
// writes, its writers. Types only, below the version modules that implement them.
import type { PixelArray } from '../pixels.js';
import type { ByteReader } from './bytes.js';
import type { CodedFrame } from './coded-frame.js';
import type { StreamHeader } from './fields.js';
import type { Frame } from './frame.js';
import type { FrameKind } from './frames.js';
import type { IndexEntry } from './segment.js';

/** What a reader can tell of a whole-file version's file from its first bytes. */
export interface WholeFilePrefix {
  header: StreamHeader;
  count: number;
  /** Where the message starts. */
  messageOffset: number;
  /** The longest message a file of this header can hold (more is corrupt). */
  maxMessageBytes: number;
}

/** A version whose file is one header and one message running to its end (version 1): read whole, never joined. */
export interface WholeFileVersion {
  version: number;
  layout: 'whole-file';
  /** Reads the header (TRUNCATED if `bytes` ends inside it). */
  readPrefix(bytes: Uint8Array): WholeFilePrefix;
  /** A whole file as its header and its frame (none for a file of no images). */
  read(bytes: Uint8Array): { header: StreamHeader; frames: CodedFrame[] };
}

/** A version made of segments (header, frames, index; src/format/segment.ts) that join by concatenation. */
export interface SegmentVersion {
  version: number;
  layout: 'segments';
  /** Reads the header after its magic and version bytes. */
  readHeader(r: ByteReader): StreamHeader;
  /** The kinds of frame record its segments may hold. */
  frameKinds: readonly FrameKind<Frame>[];
}

/** The version bbans writes: a segment version with writers. */
export interface WrittenVersion extends SegmentVersion {
  writeHeader(header: StreamHeader): Uint8Array;
  /** The record for a frame coded from `pixels`: the coded frame, or another kind where the version prefers it. */
  writeFrame(frame: CodedFrame, pixels: PixelArray): Uint8Array;
  writeIndex(headerBytes: number, entries: IndexEntry[]): Uint8Array;
}

export type FormatVersion = WholeFileVersion | SegmentVersion;
