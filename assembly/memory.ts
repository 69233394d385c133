// Raw, unmanaged memory for buffers the TypeScript side fills and reads.
// The AssemblyScript GC is never involved: every block is freed explicitly.

export function alloc(size: usize): usize {
  return heap.alloc(size);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}
