/** Test oracle: frozen copy of src/models/gbdt/engine.ts (single-thread engine) as of 2026-12-07. */
import { buildHistogram } from "./histogram.js";
import type { BinnedTrainData, HistogramEngine } from "./learner.js";

/** Budget for histogram slots kept alive at once (leaves that may still split). */
const SLOT_BUDGET_BYTES = 256 * 1024 * 1024;

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

/** Histograms built on the calling thread. */
export class SerialEngine implements HistogramEngine {
  readonly rows: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly nSlots: number;
  private readonly slots: Float64Array[] = [];
  private readonly ordered: Float64Array;

  constructor(private readonly data: BinnedTrainData, numLeaves: number, maxDepth: number) {
    this.rows = new Int32Array(data.nRows);
    this.grad = new Float64Array(data.nRows);
    this.hess = new Float64Array(data.nRows);
    this.nSlots = slotCount(data.totalBins, numLeaves, maxDepth);
    this.ordered = new Float64Array(2 * data.nRows);
  }

  slot(i: number): Float64Array {
    let s = this.slots[i];
    if (!s) {
      s = new Float64Array(this.data.totalBins * 2);
      this.slots[i] = s;
    }
    return s;
  }

  build(slot: number, start: number, count: number, features: Int32Array, nFeatures: number): void {
    const d = this.data;
    const nGroups = Math.ceil(d.nFeatures / d.matrix.pack);
    buildHistogram(d.matrix, this.rows, start, count, this.grad, this.hess, this.ordered, d.offsets, d.nBinsOf, features, nFeatures, 0, nGroups, this.slot(slot));
  }

  close(): void {}
}
