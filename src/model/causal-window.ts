// The causal neighbourhood a local autoregressive pixel model reads: the `rows` rows above a pixel,
// `halfWidth` columns either side, and the `halfWidth` pixels to its left, all already coded in
// raster order. Neighbours outside the image read as 0. Training (shifted copies in tfjs) and the
// WASM coder (assembly/pixel-loop.ts) take the offsets from here, in this order.

export interface CausalWindow {
  rows: number;
  halfWidth: number;
}

/** [dy, dx] of each neighbour, rows above first, left to right. */
export function causalOffsets({ rows, halfWidth }: CausalWindow): Array<[number, number]> {
  const offsets: Array<[number, number]> = [];
  for (let dy = -rows; dy < 0; dy++) for (let dx = -halfWidth; dx <= halfWidth; dx++) offsets.push([dy, dx]);
  for (let dx = -halfWidth; dx < 0; dx++) offsets.push([0, dx]);
  return offsets;
}
