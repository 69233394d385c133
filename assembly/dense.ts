// The pixel network's dense layers, evaluated for all lanes at once: f32x4 SIMD across blocks of
// 16 lanes, and over sixteen outputs at a time for the one or two lanes left over. Every lane's
// sums run over the same inputs in the same order however the lanes are grouped (no FMA, no
// relaxed SIMD), so a lane's outputs are the same bits whatever the lane count, which is what lets
// push and pop, and frames coded alone or beside others, agree.

/** Units rounded up to whole chunks of four f32x4 vectors (what denseLanes() takes at a time). */
@inline
export function padded(units: u32): u32 {
  return (units + 15) & ~15;
}

/**
 * out[j][lane] = act(b[j] + sum_i w[j][i] in[i][lane]) for `lanes` lanes (arrays [units][groups * 4],
 * groups = lanes / 4 rounded up); the sum runs over i = 0, 1, ... for every lane, however the
 * lanes are blocked. Inputs that are zero in every lane of a block are skipped: w * 0 is a zero,
 * and adding a zero changes a sum at most from -0 to +0, which nothing downstream can tell apart
 * (relu maps both to +0; exp, the CDF and comparisons treat them alike), so skipping gives the
 * same bits while background pixels, whose neighbours are all zero, cost less. `active` holds the
 * indices of the inputs a block uses. Blocks of 16 lanes go two outputs by four groups at a time,
 * sharing each input load; the lanes left over go two at a time (denseLanes).
 */
export function dense(input: usize, inputs: u32, w: usize, transposed: usize, outputs: u32, output: usize, lanes: u32, relu: bool, active: usize): void {
  const groups = (lanes + 3) >> 2;
  const stride = <usize>groups << 4;
  const bias = w + (<usize>outputs * inputs << 2);
  let g: u32 = 0;
  for (; (g + 4) << 2 <= lanes; g += 4) {
    const block = input + (<usize>g << 4);
    const used = activeInputs(block, inputs, stride, 4, active);
    let j: u32 = 0;
    for (; j + 2 <= outputs; j += 2) {
      const row0 = w + (<usize>j * inputs << 2);
      const row1 = row0 + (<usize>inputs << 2);
      let a0 = v128.load32_splat(bias + (<usize>j << 2));
      let c0 = v128.load32_splat(bias + (<usize>j << 2), 4);
      let a1 = a0, a2 = a0, a3 = a0;
      let c1 = c0, c2 = c0, c3 = c0;
      for (let k: u32 = 0; k < used; k++) {
        const i = load<u32>(active + (<usize>k << 2));
        const w0 = v128.load32_splat(row0 + (<usize>i << 2));
        const w1 = v128.load32_splat(row1 + (<usize>i << 2));
        const x = block + <usize>i * stride;
        const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
        a0 = f32x4.add(a0, f32x4.mul(w0, x0)); a1 = f32x4.add(a1, f32x4.mul(w0, x1));
        a2 = f32x4.add(a2, f32x4.mul(w0, x2)); a3 = f32x4.add(a3, f32x4.mul(w0, x3));
        c0 = f32x4.add(c0, f32x4.mul(w1, x0)); c1 = f32x4.add(c1, f32x4.mul(w1, x1));
        c2 = f32x4.add(c2, f32x4.mul(w1, x2)); c3 = f32x4.add(c3, f32x4.mul(w1, x3));
      }
      const o0 = output + <usize>j * stride + (<usize>g << 4);
      const o1 = o0 + stride;
      v128.store(o0, activate(a0, relu)); v128.store(o0, activate(a1, relu), 16); v128.store(o0, activate(a2, relu), 32); v128.store(o0, activate(a3, relu), 48);
      v128.store(o1, activate(c0, relu)); v128.store(o1, activate(c1, relu), 16); v128.store(o1, activate(c2, relu), 32); v128.store(o1, activate(c3, relu), 48);
    }
    for (; j < outputs; j++) {
      for (let q: u32 = 0; q < 4; q++) {
        const at = <usize>q << 4;
        v128.store(output + <usize>j * stride + (<usize>g << 4) + at, activate(dotGroup(block + at, stride, w + (<usize>j * inputs << 2), bias + (<usize>j << 2), used, active), relu));
      }
    }
  }
  let lane = g << 2;
  for (; lane + 2 <= lanes; lane += 2) denseLanes(input, inputs, transposed, outputs, output, stride, lane, 2, relu, active);
  if (lane < lanes) denseLanes(input, inputs, transposed, outputs, output, stride, lane, 1, relu, active);
}

/**
 * dense() for one or two lanes, sixteen outputs of each at a time, four per f32x4: fewer than 16
 * lanes would leave most of a block's vector slots empty. Two lanes share each weight load, and
 * their eight sums keep the CPU's adders busy. Each output's sum is the same b + w x over the same
 * inputs in the same order (the lanes' nonzero inputs; a block may add more zeros), so the bits
 * agree with the block path.
 */
function denseLanes(input: usize, inputs: u32, transposed: usize, outputs: u32, output: usize, stride: usize, lane: u32, count: u32, relu: bool, active: usize): void {
  const at = <usize>lane << 2;
  const other = count == 2 ? at + 4 : at;
  let used: u32 = 0;
  for (let i: u32 = 0; i < inputs; i++) {
    // Branch-free: whether a relu output is zero is a coin toss a branch would mispredict. NaN != 0
    // holds too: a NaN input must reach the outputs.
    const x = input + <usize>i * stride;
    store<u32>(active + (<usize>used << 2), i);
    used += <u32>(load<f32>(x + at) != 0) | <u32>(load<f32>(x + other) != 0);
  }
  const row = <usize>padded(outputs) << 2;
  const bias = transposed + <usize>inputs * row;
  for (let first: u32 = 0; first < outputs; first += 16) {
    const column = <usize>first << 2;
    let a0 = v128.load(bias + column), a1 = v128.load(bias + column, 16), a2 = v128.load(bias + column, 32), a3 = v128.load(bias + column, 48);
    let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
    for (let k: u32 = 0; k < used; k++) {
      const i = load<u32>(active + (<usize>k << 2));
      const x = input + <usize>i * stride;
      const xa = v128.load32_splat(x + at);
      const xb = v128.load32_splat(x + other);
      const weights = transposed + <usize>i * row + column;
      const w0 = v128.load(weights), w1 = v128.load(weights, 16), w2 = v128.load(weights, 32), w3 = v128.load(weights, 48);
      a0 = f32x4.add(a0, f32x4.mul(w0, xa)); a1 = f32x4.add(a1, f32x4.mul(w1, xa));
      a2 = f32x4.add(a2, f32x4.mul(w2, xa)); a3 = f32x4.add(a3, f32x4.mul(w3, xa));
      b0 = f32x4.add(b0, f32x4.mul(w0, xb)); b1 = f32x4.add(b1, f32x4.mul(w1, xb));
      b2 = f32x4.add(b2, f32x4.mul(w2, xb)); b3 = f32x4.add(b3, f32x4.mul(w3, xb));
    }
    storeOutputs(activate(a0, relu), first, outputs, output, stride, at);
    storeOutputs(activate(a1, relu), first + 4, outputs, output, stride, at);
    storeOutputs(activate(a2, relu), first + 8, outputs, output, stride, at);
    storeOutputs(activate(a3, relu), first + 12, outputs, output, stride, at);
    if (count == 2) {
      storeOutputs(activate(b0, relu), first, outputs, output, stride, other);
      storeOutputs(activate(b1, relu), first + 4, outputs, output, stride, other);
      storeOutputs(activate(b2, relu), first + 8, outputs, output, stride, other);
      storeOutputs(activate(b3, relu), first + 12, outputs, output, stride, other);
    }
  }
}

/** Stores outputs first .. first + 3 of one lane (those below `outputs`) into the [units][lanes] layout. */
@inline
function storeOutputs(a: v128, first: u32, outputs: u32, output: usize, stride: usize, at: usize): void {
  const to = output + <usize>first * stride + at;
  if (first >= outputs) return;
  store<f32>(to, f32x4.extract_lane(a, 0));
  if (first + 1 < outputs) store<f32>(to + stride, f32x4.extract_lane(a, 1));
  if (first + 2 < outputs) store<f32>(to + 2 * stride, f32x4.extract_lane(a, 2));
  if (first + 3 < outputs) store<f32>(to + 3 * stride, f32x4.extract_lane(a, 3));
}

/** Writes to `active` the inputs that are nonzero (or NaN) in some lane of `vectors` groups; returns how many. */
@inline
function activeInputs(block: usize, inputs: u32, stride: usize, vectors: u32, active: usize): u32 {
  let used: u32 = 0;
  const zero = f32x4.splat(0);
  for (let i: u32 = 0; i < inputs; i++) {
    const x = block + <usize>i * stride;
    let nonzero = f32x4.ne(v128.load(x), zero);
    for (let q: u32 = 1; q < vectors; q++) nonzero = v128.or(nonzero, f32x4.ne(v128.load(x + (<usize>q << 4)), zero));
    store<u32>(active + (<usize>used << 2), i);
    used += <u32>v128.any_true(nonzero);
  }
  return used;
}

/** b + sum over the active inputs i of row[i] x[i], for one group of 4 lanes. */
@inline
function dotGroup(x: usize, stride: usize, row: usize, bias: usize, used: u32, active: usize): v128 {
  let a = v128.load32_splat(bias);
  for (let k: u32 = 0; k < used; k++) {
    const i = load<u32>(active + (<usize>k << 2));
    a = f32x4.add(a, f32x4.mul(v128.load32_splat(row + (<usize>i << 2)), v128.load(x + <usize>i * stride)));
  }
  return a;
}

@inline
function activate(a: v128, relu: bool): v128 {
  return relu ? f32x4.max(a, f32x4.splat(0)) : a;
}
