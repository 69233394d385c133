// Array shapes: how many elements a list of dimensions holds.

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}
