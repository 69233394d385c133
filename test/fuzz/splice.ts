// A frame record of one file put in the place of a frame of another (or of the same file), its
// segment's index left as it was or rebuilt to describe the new record. What the result must do
// follows from the format alone: with an index that describes it, a record a segment's version
// has and coding settings it was made with, it is a well-formed file of the target's images with
// the donor frame's in place of the one it replaced; an index that does not describe the records,
// or a stored frame in a version-2 segment, must be refused; a coded frame among other coding
// settings decodes to those images or is refused (it is almost surely refused: its chain no longer
// ends at the start state). Where the index still places every frame (rebuilt, or kept with a new
// record of the old one's length), a range read that does not reach the replaced frame must give
// the images the index numbers there: it has no cause to read that record.
import type { StreamHeader } from '../../src/format/fields.js';
import { elementCount } from '../../src/shape.js';
import { type RawSegment, joinSegments, reindexed } from '../format-edit.js';
import { type Random, int } from './mutations.js';
import { type Made, type Source, pixelsLike } from './sources.js';

/** The first format version with stored frames. */
const STORED_SINCE = 3;

interface FrameAt {
  segment: number;
  record: number;
  /** The frame's first image in its file, and its images. */
  first: number;
  count: number;
}

function framesOf(source: Source): FrameAt[] {
  const frames: FrameAt[] = [];
  let first = 0;
  source.segments.forEach(({ counts }, segment) => {
    counts.forEach((count, record) => {
      frames.push({ segment, record, first, count });
      first += count;
    });
  });
  return frames;
}

const sameCoding = (a: StreamHeader, b: StreamHeader): boolean =>
  a.binsLog2 === b.binsLog2 && a.posteriorPrecision === b.posteriorPrecision && a.likelihoodPrecision === b.likelihoodPrecision;

/** A random frame of `donor` in the place of a random frame of `target` (both must hold a frame). */
export function splice(target: Source, donor: Source, random: Random, reindex: boolean): Made {
  const targetFrames = framesOf(target);
  const donorFrames = framesOf(donor);
  const into = targetFrames[int(random, targetFrames.length)]!;
  const from = donorFrames[int(random, donorFrames.length)]!;
  const place = target.segments[into.segment]!;
  const source = donor.segments[from.segment]!;
  const record = source.records[from.record]!;
  const kind = source.kinds[from.record]!;
  const replaced = <T>(list: readonly T[], value: T): T[] => list.map((v, i) => (i === into.record ? value : v));
  let changed: RawSegment = { ...place, records: replaced(place.records, record), counts: replaced(place.counts, from.count), kinds: replaced(place.kinds, kind) };
  if (reindex) changed = reindexed(changed);
  const segments = target.segments.map((s, i) => (i === into.segment ? changed : s));

  const itemPixels = elementCount(place.header.itemShape);
  const images = pixelsLike(target.images, target.images.length + (from.count - into.count) * itemPixels);
  images.set(target.images.subarray(0, into.first * itemPixels));
  images.set(donor.images.subarray(from.first * itemPixels, (from.first + from.count) * itemPixels), into.first * itemPixels);
  images.set(target.images.subarray((into.first + into.count) * itemPixels), (into.first + from.count) * itemPixels);

  const sameLength = record.length === place.records[into.record]!.length;
  const described = reindex || (sameLength && from.count === into.count);
  const kindFits = kind === 'coded' || place.version >= STORED_SINCE;
  const settingsFit = kind === 'stored' || sameCoding(place.header, source.header);
  const outcome = !described || !kindFits ? 'refused' : settingsFit ? 'decodes' : 'either';
  // A kept index still places every other frame where it is when the new record has the old one's
  // length; it numbers the images as the target's, whatever the new record holds.
  const byIndex = described
    ? { images, frame: [into.first, into.first + from.count] as [number, number] }
    : sameLength ? { images: target.images, frame: [into.first, into.first + into.count] as [number, number] } : undefined;
  const what = `splice(${donor.what} frame ${donorFrames.indexOf(from)} (${kind}) into ${target.what} frame ${targetFrames.indexOf(into)}, index ${reindex ? 'rebuilt' : 'kept'})`;
  return { what, bytes: joinSegments(segments), expected: { images, outcome, ...(byIndex && { byIndex }) } };
}
