// The format versions this build reads, and the one it writes: the one place that turns a
// version byte into its readers. A version is a module (src/format/v1.ts, v2.ts, v3.ts) that
// says how its files are laid out, how its header reads and which kinds of frame it has; a new
// version (channels, unordered sets) plugs in as a module and an entry in VERSIONS.
import { BbansError } from '../errors.js';
import type { FormatVersion, WrittenVersion } from './version.js';
import { V1 } from './v1.js';
import { V2 } from './v2.js';
import { V3 } from './v3.js';

export type { FormatVersion, SegmentVersion, WholeFileVersion, WrittenVersion } from './version.js';

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
