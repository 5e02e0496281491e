import { buildHistogram, type KernelCall } from "./histogram.js";
import type { BinnedTrainData, HistogramEngine } from "./learner.js";
import { ArenaLayout, instantiateKernels, kernelModule, sharedMemory, type WasmMemory } from "./wasm.js";

/** Budget for histogram slots kept alive at once (leaves that may still split). */
const SLOT_BUDGET_BYTES = 256 * 1024 * 1024;
/** Kernel memory above this stays in plain shared buffers with the JavaScript kernels (wasm32 limit, with headroom). */
const MAX_ARENA_BYTES = 3.5 * 1024 ** 3;

/** Histograms alive at once: at most one per leaf that may still split, plus one being built. */
export function slotCount(totalBins: number, numLeaves: number, maxDepth: number): number {
  const perSlot = totalBins * 16;
  const leaves = maxDepth > 0 && maxDepth < 30 ? Math.min(numLeaves, 2 ** maxDepth) : numLeaves;
  return Math.max(3, Math.min(leaves + 1, Math.floor(SLOT_BUDGET_BYTES / perSlot)));
}

/** Shared-memory Float64Array (workers see the same bytes). */
export function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)));
}

export function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)));
}

/** Byte offsets of an engine's arrays in the kernel memory (what a worker needs to rebuild its views). */
export interface ArenaPointers {
  packed: number;
  rows: number;
  grad: number;
  hess: number;
  /** Thread t's [grad, hess] scratch starts at ordered + t * 16 * nRows. */
  ordered: number;
  slots: number;
  trash: number;
  /** Partition scratch, nRows Int32. */
  scratch: number;
  /** Row-major codes, features padded to a multiple of 4 (stride bytes per row), for sparse nodes. */
  rowCodes: number;
  stride: number;
  /** Per padded feature, the byte offset of its bins in a slot (padding features: the slot's spare last pair). */
  offTab: number;
}

/**
 * The arrays one training run's histogram engine works on. With 8-bit codes they live in one shared
 * WebAssembly memory (with a copy of the packed codes) so that the WebAssembly kernels and all
 * threads read them in place; otherwise in plain shared buffers for the JavaScript kernels.
 */
export interface EngineBuffers {
  readonly rows: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly slotsAll: Float64Array;
  readonly slotLen: number;
  readonly nSlots: number;
  /** Partition scratch (nRows). */
  readonly scratch: Int32Array;
  /** Thread t's scratch of 2 * nRows doubles. */
  ordered(t: number): Float64Array;
  /** The kernel memory, module and offsets (null: JavaScript kernels only). */
  readonly arena: { memory: WasmMemory; module: object; ptr: ArenaPointers } | null;
}

export function allocEngineBuffers(data: BinnedTrainData, numLeaves: number, maxDepth: number, threads: number): EngineBuffers {
  const n = data.nRows;
  const nSlots = slotCount(data.totalBins, numLeaves, maxDepth);
  // One spare [grad, hess] pair per slot takes the padding features' updates of the row-major kernel.
  const slotLen = data.totalBins * 2 + 2;
  const m = data.matrix;
  const F = data.nFeatures;
  const stride = Math.ceil(F / 4) * 4;
  const L = new ArenaLayout();
  const ptr: ArenaPointers = {
    packed: L.take(m.packed.byteLength),
    rows: L.take(4 * n),
    grad: L.take(8 * n),
    hess: L.take(8 * n),
    ordered: L.take(16 * n * threads),
    slots: L.take(8 * nSlots * slotLen),
    trash: L.take(4096),
    scratch: L.take(4 * n),
    rowCodes: L.take(stride * n + 4),
    stride,
    offTab: L.take(4 * stride),
  };
  if (m.pack === 4 && L.size <= MAX_ARENA_BYTES) {
    const memory = sharedMemory(L.size);
    const buf = memory.buffer;
    new Uint32Array(buf, ptr.packed, m.packed.length).set(m.packed);
    const rowCodes = new Uint8Array(buf, ptr.rowCodes, stride * n);
    if (stride === F) rowCodes.set(m.codes as Uint8Array);
    else for (let r = 0; r < n; r++) rowCodes.set((m.codes as Uint8Array).subarray(r * F, (r + 1) * F), r * stride);
    const offTab = new Int32Array(buf, ptr.offTab, stride);
    for (let f = 0; f < stride; f++) offTab[f] = (f < F ? data.offsets[f] : data.totalBins) * 16;
    return {
      rows: new Int32Array(buf, ptr.rows, n),
      grad: new Float64Array(buf, ptr.grad, n),
      hess: new Float64Array(buf, ptr.hess, n),
      slotsAll: new Float64Array(buf, ptr.slots, nSlots * slotLen),
      slotLen,
      nSlots,
      scratch: new Int32Array(buf, ptr.scratch, n),
      ordered: (t) => new Float64Array(buf, ptr.ordered + 16 * n * t, 2 * n),
      arena: { memory, module: kernelModule(), ptr },
    };
  }
  return {
    rows: sharedI32(n),
    grad: sharedF64(n),
    hess: sharedF64(n),
    slotsAll: sharedF64(nSlots * slotLen),
    slotLen,
    nSlots,
    scratch: sharedI32(n),
    ordered: () => new Float64Array(2 * n),
    arena: null,
  };
}

/** Thread t's kernel call context on an arena (null without one). */
export function kernelCall(arena: { memory: WasmMemory; module: object; ptr: ArenaPointers } | null, nRows: number, t: number): KernelCall | null {
  if (!arena) return null;
  const p = arena.ptr;
  return { k: instantiateKernels(arena.module, arena.memory), packed: p.packed, rows: p.rows, grad: p.grad, hess: p.hess, ordered: p.ordered + 16 * nRows * t, trash: p.trash, scratch: p.scratch, rowCodes: p.rowCodes, stride: p.stride, offTab: p.offTab, hist: 0 };
}

/**
 * Stable partition of rows[start, start+count) by a numeric split on this thread with the
 * WebAssembly kernel: lefts in place, rights through the scratch. Returns the left count.
 */
export function partitionWithKernel(kc: KernelCall, rows: Int32Array, scratch: Int32Array, nRows: number, start: number, count: number, feature: number, thresholdBin: number, missBin: number, defaultLeft: boolean): number {
  const at = kc.rows + 4 * start;
  const word = kc.packed + (feature >> 2) * nRows * 4;
  const nl = kc.k.part(at, count, at, kc.scratch, 4, word, (feature & 3) * 8, thresholdBin, missBin, defaultLeft ? 1 : 0);
  rows.set(scratch.subarray(0, count - nl), start + nl);
  return nl;
}

/** Histograms built on the calling thread. */
export class SerialEngine implements HistogramEngine {
  readonly rows: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly nSlots: number;
  private readonly buffers: EngineBuffers;
  private readonly ordered: Float64Array;
  private readonly kc: KernelCall | null;

  constructor(private readonly data: BinnedTrainData, numLeaves: number, maxDepth: number) {
    this.buffers = allocEngineBuffers(data, numLeaves, maxDepth, 1);
    this.rows = this.buffers.rows;
    this.grad = this.buffers.grad;
    this.hess = this.buffers.hess;
    this.nSlots = this.buffers.nSlots;
    this.ordered = this.buffers.ordered(0);
    this.kc = kernelCall(this.buffers.arena, data.nRows, 0);
  }

  slot(i: number): Float64Array {
    const b = this.buffers;
    return b.slotsAll.subarray(i * b.slotLen, (i + 1) * b.slotLen);
  }

  build(slot: number, start: number, count: number, features: Int32Array, nFeatures: number): void {
    const d = this.data;
    const nGroups = Math.ceil(d.nFeatures / d.matrix.pack);
    const kc = this.kc;
    if (kc) kc.hist = this.buffers.arena!.ptr.slots + slot * this.buffers.slotLen * 8;
    buildHistogram(d.matrix, this.rows, start, count, this.grad, this.hess, this.ordered, d.offsets, d.nBinsOf, features, nFeatures, 0, nGroups, this.slot(slot), kc);
  }

  /** Numeric splits with 8-bit codes through the kernel; -1 (the learner partitions) otherwise. */
  partition(start: number, count: number, feature: number, thresholdBin: number, missBin: number, defaultLeft: boolean, catBins: Int32Array | null): number {
    if (!this.kc || catBins) return -1;
    return partitionWithKernel(this.kc, this.rows, this.buffers.scratch, this.data.nRows, start, count, feature, thresholdBin, missBin, defaultLeft);
  }

  close(): void {}
}
