/**
 * Parallel stable partition of a node's rows, in two phases per thread over a contiguous chunk:
 * (1) lefts in order to scratch[c0...], rights in reverse from scratch[c1-1] down; (2) after all
 * chunk counts are known, copy both into their final places in rows. The result is exactly the
 * single-thread stable partition ([lefts in order | rights in order]), whatever the thread count.
 * No runtime imports: loaded by worker threads.
 */
import type { KernelCall } from "./histogram.js";

/** partitionChunk for a numeric split with the WebAssembly kernel (8-bit codes in the kernel memory). */
export function partitionChunkKernel(kc: KernelCall, nRows: number, c0: number, c1: number, feature: number, threshold: number, miss: number, missLeft: number): number {
  const word = kc.packed + (feature >> 2) * nRows * 4;
  return kc.k.part(kc.rows + 4 * c0, c1 - c0, kc.scratch + 4 * c0, kc.scratch + 4 * (c1 - 1), -4, word, (feature & 3) * 8, threshold, miss, missLeft);
}

/** Phase 1 for rows[c0, c1); returns the left count. catMask non-null = categorical split. */
export function partitionChunk(rows: Int32Array, scratch: Int32Array, word: Uint32Array, shift: number, mask: number, c0: number, c1: number, threshold: number, miss: number, missLeft: number, catMask: Uint8Array | null): number {
  let nl = 0;
  let nr = 0;
  if (catMask === null) {
    for (let i = c0; i < c1; i++) {
      const r = rows[i];
      const b = (word[r] >>> shift) & mask;
      const left = (((threshold - b) >>> 31) ^ 1) | ((((b ^ miss) - 1) >>> 31) & missLeft);
      scratch[c0 + nl] = r;
      scratch[c1 - 1 - nr] = r;
      nl += left;
      nr += 1 - left;
    }
  } else {
    for (let i = c0; i < c1; i++) {
      const r = rows[i];
      const left = catMask[(word[r] >>> shift) & mask];
      scratch[c0 + nl] = r;
      scratch[c1 - 1 - nr] = r;
      nl += left;
      nr += 1 - left;
    }
  }
  return nl;
}

/** Phase 2: this chunk's lefts to rows[destL...], its rights (stored reversed) to rows[destR...]. */
export function placeChunk(rows: Int32Array, scratch: Int32Array, c0: number, c1: number, nl: number, destL: number, destR: number): void {
  for (let i = 0; i < nl; i++) rows[destL + i] = scratch[c0 + i];
  const nr = c1 - c0 - nl;
  for (let i = 0; i < nr; i++) rows[destR + i] = scratch[c1 - 1 - i];
}
