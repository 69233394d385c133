// The format versions this build reads, and the one it writes: the one place that turns a
// version byte into its readers. A version is a module (src/format/v1.ts, v2.ts, v3.ts) that
// says how its files are laid out, how its header reads and which kinds of frame it has; a new
// version (channels, unordered sets) plugs in as a module and an entry in VERSIONS.
import { BbansError } from '../errors.js';
import type { PixelArray } from '../pixels.js';
import type { ByteReader } from './bytes.js';
import type { CodedFrame } from './coded-frame.js';
import type { StreamHeader } from './fields.js';
import type { FrameKind } from './frames.js';
import type { IndexEntry } from './segment.js';
import { V1 } from './v1.js';
import { V2 } from './v2.js';
import { V3 } from './v3.js';

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
  frameKinds: readonly FrameKind[];
}

/** The version bbans writes: a segment version with writers. */
export interface WrittenVersion extends SegmentVersion {
  writeHeader(header: StreamHeader): Uint8Array;
  /** The record for a frame coded from `pixels`: the coded frame, or another kind where the version prefers it. */
  writeFrame(frame: CodedFrame, pixels: PixelArray): Uint8Array;
  writeIndex(headerBytes: number, entries: IndexEntry[]): Uint8Array;
}

export type FormatVersion = WholeFileVersion | SegmentVersion;

const VERSIONS: readonly FormatVersion[] = [V1, V2, V3];

export const WRITTEN: WrittenVersion = V3;
/** The version bbans writes. */
export const FORMAT_VERSION = WRITTEN.version;

/** The version a file or segment's version byte names, or UNSUPPORTED_VERSION. */
export function formatOf(version: number): FormatVersion {
  const format = VERSIONS.find((v) => v.version === version);
  if (format) return format;
  const known = VERSIONS.map((v) => v.version);
  throw new BbansError('UNSUPPORTED_VERSION', `bbans file format version ${version} is not supported (this build reads versions ${known.slice(0, -1).join(', ')} and ${known.at(-1)})`);
}
