// Which fields of a segment's header coding a frame depends on: the frame settings a worker is
// sent with each job, and on which frames must agree to be coded side by side in one job.

import type { StreamHeader } from './format/fields.js';

/**
 * Every header field, marked true where a frame's coded bits depend on it. A field added to
 * StreamHeader and not marked here does not compile, so no coding field can be left out of
 * settingsOf or sameSettings.
 */
const CODES_FRAMES = {
  binsLog2: true,
  posteriorPrecision: true,
  likelihoodPrecision: true,
  pixelBytes: true,
  // A coder is opened for one model (a later segment naming another is refused before its frames).
  modelName: false,
  fingerprint: false,
  // What the pixels came from, and the shape of an image beyond its pixel count: chains code flat images.
  source: false,
  sourceHeader: false,
  itemShape: false,
} as const satisfies Record<keyof StreamHeader, boolean>;

type FrameSettingKey = { [K in keyof typeof CODES_FRAMES]: (typeof CODES_FRAMES)[K] extends true ? K : never }[keyof typeof CODES_FRAMES];

/** What coding a frame needs of its segment's header. */
export type FrameSettings = Pick<StreamHeader, FrameSettingKey>;

const FRAME_SETTING_KEYS = (Object.keys(CODES_FRAMES) as Array<keyof typeof CODES_FRAMES>).filter((key): key is FrameSettingKey => CODES_FRAMES[key]);

/** A header's frame settings alone (what a worker is sent). */
export function settingsOf(header: FrameSettings): FrameSettings {
  return Object.fromEntries(FRAME_SETTING_KEYS.map((key) => [key, header[key]])) as FrameSettings;
}

/** Whether frames of these two settings code alike (the settings are numbers, compared by value). */
export function sameSettings(a: FrameSettings, b: FrameSettings): boolean {
  return FRAME_SETTING_KEYS.every((key) => a[key] === b[key]);
}
