// Reads a bbans file front to back as its bytes arrive, in any chunks: headers, frames as soon as
// each is whole, indexes checked against the frames they follow, and further segments joined on,
// each read by its own version. It holds at most one record (a frame, a header or an index)
// beyond what it has handed out, so memory is bounded by the frame size whatever the file's length.
import { BbansError } from '../errors.js';
import { ByteReader, concatBytes } from './bytes.js';
import { corrupt } from '../errors.js';
import { MAGIC, type StreamHeader } from './fields.js';
import type { Frame } from './frame.js';
import { type IndexEntry, checkJoinable, frameKindAt, readIndex } from './segment.js';
import { type SegmentVersion, type WholeFileVersion, formatOf } from './versions.js';

export interface ParsedFrame {
  /** The header of the frame's segment (its coding settings). */
  header: StreamHeader;
  frame: Frame;
}

/** True unless the bytes at r.at are not (the start of) the magic: what a further segment starts with. */
function mayBeMagic(r: ByteReader): boolean {
  const ahead = r.span(r.at, r.at + Math.min(MAGIC.length, r.remaining));
  return ahead.every((b, i) => b === MAGIC[i]);
}

export class StreamParser {
  #pending: Uint8Array = new Uint8Array(0);
  /** Where the pending bytes start in the stream. */
  #offset = 0;
  #ended = false;
  /** The first segment's header: the stream's. */
  #first?: StreamHeader;
  /** The segment being read: its version, header and length, and the frames read so far. */
  #segment?: { format: SegmentVersion; header: StreamHeader; headerBytes: number; frames: IndexEntry[] };
  /** A whole-file version's file (version 1) being read. */
  #wholeFile?: WholeFileVersion;
  /** Bytes after the end of the last segment that do not start another: counted, not kept, and refused at the end. */
  #trailing?: { at: number; bytes: number };
  /** How many of the pending bytes the records read so far took. */
  #consumed = 0;

  get header(): StreamHeader | undefined {
    return this.#first;
  }

  /** Takes the next bytes; returns the frames now complete. */
  push(chunk: Uint8Array): ParsedFrame[] {
    if (this.#ended) throw new BbansError('INVALID_ARGUMENT', 'bytes pushed after the end of the stream');
    if (this.#trailing) {
      this.#trailing.bytes += chunk.length;
      return [];
    }
    this.#pending = concatBytes([this.#pending, chunk]);
    return this.#drain();
  }

  /** The stream has ended: returns the last frames, or fails unless it ended where a segment ends. */
  end(): ParsedFrame[] {
    this.#ended = true;
    const frames = this.#trailing ? [] : this.#drain();
    if (this.#first === undefined && this.#pending.length === 0) throw new BbansError('NOT_BBANS', 'not a bbans file: it is empty');
    if (this.#trailing) corrupt(`${this.#trailing.bytes} bytes after the end of the last bbans segment (at byte ${this.#trailing.at}) are not another segment`);
    if (this.#segment || this.#pending.length > 0) throw new BbansError('TRUNCATED', 'truncated bbans file: it ends before the index of its last segment');
    return frames;
  }

  /** Reads what can be read of the pending bytes; TRUNCATED means "wait for more" until the stream ends. */
  #drain(): ParsedFrame[] {
    const out: ParsedFrame[] = [];
    const r = new ByteReader(this.#pending);
    try {
      for (;;) {
        const at = r.at;
        if (!this.#step(r, out)) break;
        if (r.at === at) break;
      }
    } catch (error) {
      if (!(error instanceof BbansError && error.code === 'TRUNCATED' && !this.#ended)) throw error;
    }
    this.#pending = this.#pending.slice(this.#consumed);
    this.#offset += this.#consumed;
    this.#consumed = 0;
    return out;
  }

  /** Reads one record at r.at; returns false when nothing more can be read yet. */
  #step(r: ByteReader, out: ParsedFrame[]): boolean {
    if (r.remaining === 0) return false;
    if (this.#wholeFile) return this.#stepWholeFile(this.#wholeFile, out);
    if (!this.#segment) return this.#startSegment(r, out);
    const segment = this.#segment;
    const start = r.at;
    const kind = frameKindAt(segment.format.frameKinds, r);
    if (kind) {
      const frame = kind.read(r, segment.header);
      segment.frames.push({ bytes: r.at - start, count: frame.count });
      out.push({ header: segment.header, frame });
    } else {
      const index = readIndex(r);
      const same = index.headerBytes === segment.headerBytes && index.entries.length === segment.frames.length &&
        index.entries.every((e, i) => e.bytes === segment.frames[i]!.bytes && e.count === segment.frames[i]!.count);
      if (!same) corrupt('the index does not describe the frames before it');
      this.#segment = undefined;
    }
    this.#consumed = r.at;
    return true;
  }

  /** Reads a header at r.at: the file's first, or the next segment's after an index. */
  #startSegment(r: ByteReader, out: ParsedFrame[]): boolean {
    const start = r.at;
    if (!mayBeMagic(r)) {
      if (!this.#first) throw new BbansError('NOT_BBANS', 'not a bbans file (the magic bytes "BBAN" are missing)');
      this.#trailing = { at: this.#offset + start, bytes: r.remaining };
      this.#consumed = start + r.remaining;
      return false;
    }
    r.raw(MAGIC.length, 'magic');
    const format = formatOf(r.u8('format version'));
    if (format.layout === 'whole-file') {
      if (this.#first) corrupt(`a version-${format.version} file joined after a bbans segment`);
      this.#wholeFile = format;
      return this.#stepWholeFile(format, out);
    }
    const header = format.readHeader(r);
    if (this.#first) checkJoinable(this.#first, header);
    this.#first ??= header;
    this.#segment = { format, header, headerBytes: r.at - start, frames: [] };
    this.#consumed = r.at;
    return true;
  }

  /** A whole-file version's file is one message running to the end of the file: it is read whole, within its header's bound. */
  #stepWholeFile(format: WholeFileVersion, out: ParsedFrame[]): boolean {
    const prefix = format.readPrefix(this.#pending);
    if (this.#pending.length - prefix.messageOffset > prefix.maxMessageBytes) corrupt(`a message longer than ${prefix.maxMessageBytes} bytes for ${prefix.count} images`);
    this.#first ??= prefix.header;
    if (!this.#ended) return false;
    const { header, frames } = format.read(this.#pending);
    for (const frame of frames) out.push({ header, frame });
    this.#consumed = this.#pending.length;
    this.#wholeFile = undefined;
    return false;
  }
}
