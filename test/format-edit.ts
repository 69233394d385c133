// Takes a one-segment version-2 file apart and puts it back together with a consistent index, so
// tests can change one field (a header setting, a frame's count) and see how a decoder treats it.
import { type StreamHeader } from '../src/format/fields.js';
import { StreamParser } from '../src/format/parser.js';
import { type Frame, writeFrame, writeHeader, writeIndex } from '../src/format/v2.js';
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
  const head = writeHeader(header);
  const records = frames.map(writeFrame);
  return concatBytes([head, ...records, writeIndex(head.length, records.map((r, i) => ({ bytes: r.length, count: frames[i]!.count })))]);
}
