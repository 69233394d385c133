// Reads a bbans file front to back as its bytes arrive, in any chunks: headers, frames as soon as
// each is whole, indexes checked against the frames they follow, and further segments joined on.
// It holds at most one record (a frame, a header or an index) beyond what it has handed out, so
// memory is bounded by the frame size whatever the file's length.
import { BbansError, corrupt } from '../errors.js';
import { elementCount } from '../shape.js';
import { ByteReader, concatBytes } from './bytes.js';
import { MAGIC, type StreamHeader, hasMagic } from './fields.js';
import { checkJoinable, checkVersion } from './layout.js';
import { VERSION as V1, readV1, readV1Prefix } from './v1.js';
import { type Frame, type IndexEntry, atFrame, readFrame, readHeaderFields, readIndex } from './v2.js';

export interface ParsedFrame {
  /** The header of the frame's segment (its coding settings). */
  header: StreamHeader;
  frame: Frame;
}

export class StreamParser {
  #pending: Uint8Array = new Uint8Array(0);
  #ended = false;
  /** The first segment's header: the stream's. */
  #first?: StreamHeader;
  /** The segment being read: its header, its length, and the frames read so far. */
  #segment?: { header: StreamHeader; headerBytes: number; frames: IndexEntry[] };
  #version1 = false;
  /** How many of the pending bytes the records read so far took. */
  #consumed = 0;

  get header(): StreamHeader | undefined {
    return this.#first;
  }

  /** Takes the next bytes; returns the frames now complete. */
  push(chunk: Uint8Array): ParsedFrame[] {
    if (this.#ended) throw new BbansError('INVALID_ARGUMENT', 'bytes pushed after the end of the stream');
    this.#pending = concatBytes([this.#pending, chunk]);
    return this.#drain();
  }

  /** The stream has ended: returns the last frames, or fails unless it ended where a segment ends. */
  end(): ParsedFrame[] {
    this.#ended = true;
    const frames = this.#drain();
    if (this.#first === undefined && this.#pending.length === 0) throw new BbansError('NOT_BBANS', 'not a bbans file: it is empty');
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
    this.#consumed = 0;
    return out;
  }

  /** Reads one record at r.at; returns false when nothing more can be read yet. */
  #step(r: ByteReader, out: ParsedFrame[]): boolean {
    if (r.remaining === 0) return false;
    if (this.#version1) return this.#stepVersion1(out);
    if (!this.#segment) {
      const start = r.at;
      const magic = r.raw(MAGIC.length, 'magic');
      if (!hasMagic(magic)) {
        if (this.#first) corrupt('the bytes after a segment\'s index are not another segment');
        throw new BbansError('NOT_BBANS', 'not a bbans file (the magic bytes "BBAN" are missing)');
      }
      const version = r.u8('format version');
      checkVersion(version);
      if (version === V1) {
        if (this.#first) corrupt('a version-1 file joined after a version-2 segment');
        this.#version1 = true;
        return this.#stepVersion1(out);
      }
      const header = readHeaderFields(r);
      if (this.#first) checkJoinable(this.#first, header);
      this.#first ??= header;
      this.#segment = { header, headerBytes: r.at - start, frames: [] };
      this.#consumed = r.at;
      return true;
    }
    const segment = this.#segment;
    const start = r.at;
    if (atFrame(r)) {
      const frame = readFrame(r, elementCount(segment.header.itemShape));
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

  /** A version-1 file is one message running to the end of the file: it is read whole, within its header's bound. */
  #stepVersion1(out: ParsedFrame[]): boolean {
    const prefix = readV1Prefix(this.#pending);
    if (this.#pending.length - prefix.messageOffset > prefix.maxMessageBytes) corrupt(`a message longer than ${prefix.maxMessageBytes} bytes for ${prefix.count} images`);
    this.#first ??= prefix.header;
    if (!this.#ended) return false;
    const { header, frames } = readV1(this.#pending);
    for (const frame of frames) out.push({ header, frame });
    this.#consumed = this.#pending.length;
    this.#version1 = false;
    return false;
  }
}
