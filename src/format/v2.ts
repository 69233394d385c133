// Format version 2 (read only: bbans writes version 3): segments (src/format/segment.ts) whose
// frames are all coded frames (src/format/coded-frame.ts).
import { codedFrames } from './coded-frame.js';
import { readSegmentHeader } from './segment.js';
import type { SegmentVersion } from './version.js';

export const V2: SegmentVersion = { version: 2, layout: 'segments', readHeader: readSegmentHeader, frameKinds: [codedFrames] };
