// The model `bbans train --data` builds: an architecture from the registry (by default the best
// bbans has for the data), sized from the images by that architecture's own defaultSpec. The pixel
// distribution follows the range unless named: Bernoulli for 0/1, else the architecture's first.
import { invalidArgument } from '../errors.js';
import { ARCHITECTURE_NAMES, architectureOf } from '../model/architectures.js';
import type { ModelSpec } from '../model/spec.js';

export type TrainArchitecture = ModelSpec['architecture'];

/** What `bbans train` builds when no architecture is named. */
export const DEFAULT_ARCHITECTURE: TrainArchitecture = 'local-ar-vae';

export interface DefaultSpecOptions {
  name: string;
  height: number;
  width: number;
  maxPixelValue: number;
  architecture?: TrainArchitecture;
  likelihood?: string;
}

/** The architecture's offered likelihoods, the range's default first where it applies. */
export function likelihoodsOf(architecture: TrainArchitecture): readonly string[] {
  return architectureOf({ architecture } as ModelSpec).likelihoods;
}

export function checkArchitecture(architecture: string): asserts architecture is TrainArchitecture {
  if (!(ARCHITECTURE_NAMES as string[]).includes(architecture)) invalidArgument(`architecture must be one of ${ARCHITECTURE_NAMES.join(', ')}, got ${architecture}`);
}

export function defaultSpec({ name, height, width, maxPixelValue, architecture = DEFAULT_ARCHITECTURE, likelihood }: DefaultSpecOptions): ModelSpec {
  checkArchitecture(architecture);
  const offered = likelihoodsOf(architecture);
  const chosen = likelihood ?? (maxPixelValue === 1 ? 'bernoulli' : offered[0]!);
  if (!offered.includes(chosen)) invalidArgument(`the ${architecture} architecture offers the likelihoods ${offered.join(', ')}, not ${chosen}`);
  if ((chosen === 'bernoulli') !== (maxPixelValue === 1)) invalidArgument(`Bernoulli pixels are exactly the 0/1 range; the range is 0..${maxPixelValue}`);
  return architectureOf({ architecture } as ModelSpec).defaultSpec({ name, height, width, maxPixelValue, likelihood: chosen });
}
