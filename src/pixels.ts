// Pixel values as bbans holds them: one byte each, or two (a Uint16Array) for pixels above 255.

export type PixelArray = Uint8Array | Uint16Array;

export function isPixelArray(value: unknown): value is PixelArray {
  return value instanceof Uint8Array || value instanceof Uint16Array;
}

export function largestPixel(pixels: PixelArray): number {
  let max = 0;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > max) max = pixels[i]!;
  return max;
}

/** The index of the first pixel above `max`, or -1 when every pixel is in 0..max. */
export function firstPixelAbove(pixels: PixelArray, max: number): number {
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > max) return i;
  return -1;
}

/**
 * The values as bytes, 16-bit ones little-endian: what checksums and hashes cover. A view, not a
 * copy: every JS engine bbans runs on is little-endian.
 */
export function pixelBytes(pixels: PixelArray): Uint8Array {
  return pixels instanceof Uint16Array ? new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength) : pixels;
}
