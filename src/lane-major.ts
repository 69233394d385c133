// Arrays of a batch in the two layouts bbans moves between: row-major (one row per image, as the
// networks take and give them) and lane-major (element (r, c) at c x rows + r, so that symbol i
// of a codec's array lands on lane i mod rows of the message: src/message.ts).

type Numbers = Float32Array | Float64Array | Uint32Array;

/**
 * row-major rows x cols -> cols x rows, so element (r, c) lands on lane r; elements are `width`
 * values wide. Into `out` when given (of any kind: values are converted), else a new array.
 */
export function toLaneMajor<T extends Numbers, U extends Numbers = T>(rowMajor: T, rows: number, cols: number, width = 1, out?: U): U {
  const to = out ?? (new (rowMajor.constructor as new (n: number) => Numbers)(rowMajor.length) as U);
  if (width === 1) {
    for (let r = 0; r < rows; r++) for (let c = 0, from = r * cols; c < cols; c++) to[c * rows + r] = rowMajor[from + c]!;
    return to;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const from = (r * cols + c) * width;
      to.set(rowMajor.subarray(from, from + width), (c * rows + r) * width);
    }
  }
  return to;
}

/** cols x rows (lane-major) -> row-major rows x cols, into `out` when given. */
export function fromLaneMajor<T extends Numbers, U extends Numbers = T>(laneMajor: T, rows: number, cols: number, out?: U): U {
  return toLaneMajor(laneMajor, cols, rows, 1, out);
}
