// Takes a one-segment file apart and puts it back together (as the written version) with a
// consistent index, so tests can change one field (a header setting, a frame's count) and see how
// a decoder treats it.
import { type StreamHeader } from '../src/format/fields.js';
import type { Frame } from '../src/format/frame.js';
import { StreamParser } from '../src/format/parser.js';
import { writeCodedFrame } from '../src/format/coded-frame.js';
import { writeStoredFrame } from '../src/format/stored-frame.js';
import { WRITTEN } from '../src/format/versions.js';
import { concatBytes } from '../src/format/bytes.js';

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
  return concatBytes([head, ...records, WRITTEN.writeIndex(head.length, records.map((r, i) => ({ bytes: r.length, count: frames[i]!.count })))]);
}
