import { FoxmlError } from "../util/errors.js";

/** A computed per-symbol series, named by a key that describes how it was derived. */
export interface Series {
  readonly key: string;
  readonly v: Float64Array;
}

/** The rows of one time chunk, as grids of rows x S (time-major), shared by all symbols. */
export interface ChunkGrids {
  /** Absolute panel row of the chunk's row 0. */
  readonly abs0: number;
  /** Rows in the chunk. */
  readonly n: number;
  readonly S: number;
  readonly times: Float64Array;
  column(name: string): Float64Array | Float32Array | undefined;
}

/** Most symbols a block holds (the engine's block size). */
export const BLOCK_CAPACITY = 16;

/**
 * One symbol's view of a chunk: its columns gathered into contiguous Float64 arrays and every
 * intermediate series derived from them, memoized by key so features sharing an intermediate
 * (log returns, a moving average) compute it once per symbol. Buffers are allocated once per chunk
 * and reused for every symbol.
 */
export class SymbolFrame {
  readonly n: number;
  readonly abs0: number;
  readonly S: number;
  readonly times: Float64Array;
  /** Scratch for leaf kernels only (never held across a call that may compute another series). */
  readonly scratch: Float64Array;
  readonly scratchIdx: Int32Array;
  private sym = -1;
  private stamp = 0;
  private block0 = 0;
  private blockCount = 0;
  private blockStamp = 0;
  private readonly blockColumns = new Map<string, { v: Float64Array; stamp: number }>();
  private readonly memo = new Map<string, { v: Float64Array; stamp: number }>();
  private readonly shared = new Map<string, Float64Array>();

  constructor(private readonly grids: ChunkGrids) {
    this.n = grids.n;
    this.abs0 = grids.abs0;
    this.S = grids.S;
    this.times = grids.times;
    this.scratch = new Float64Array(grids.n);
    this.scratchIdx = new Int32Array(grids.n);
  }

  /** The symbol whose series are being computed. */
  get symbol(): number {
    return this.sym;
  }

  /**
   * Starts a block of symbols [s0, s0 + count). Columns are gathered for the whole block at once,
   * reading contiguous pieces of grid rows: gathering one symbol at a time reads one value per
   * cache line, which measured slower than all the arithmetic of a simple feature.
   */
  setBlock(s0: number, count: number): void {
    this.block0 = s0;
    this.blockCount = count;
    this.blockStamp++;
  }

  /** Selects a symbol of the current block. */
  setSymbol(s: number): void {
    if (s < this.block0 || s >= this.block0 + this.blockCount) this.setBlock(s, 1);
    this.sym = s;
    this.stamp++;
  }

  /** A panel column for this symbol as a contiguous Float64 array. */
  column(name: string): Series {
    let blk = this.blockColumns.get(name);
    if (!blk || blk.stamp !== this.blockStamp) {
      const grid = this.grids.column(name);
      if (!grid) throw new FoxmlError(`internal: feature kernel read column "${name}", which the panel lacks`, { exitCode: 1 });
      if (!blk) {
        blk = { v: new Float64Array(this.n * BLOCK_CAPACITY), stamp: -1 };
        this.blockColumns.set(name, blk);
      }
      gatherBlock(grid, this.S, this.block0, this.blockCount, this.n, blk.v);
      blk.stamp = this.blockStamp;
    }
    const off = (this.sym - this.block0) * this.n;
    return { key: `col(${name})`, v: blk.v.subarray(off, off + this.n) };
  }

  /** The memoized series `key` for the current symbol, computed by `fill` on first use. */
  series(key: string, fill: (out: Float64Array) => void): Series {
    let e = this.memo.get(key);
    if (e && e.stamp === this.stamp) return { key, v: e.v };
    if (!e) {
      e = { v: new Float64Array(this.n), stamp: -1 };
      this.memo.set(key, e);
    }
    fill(e.v);
    e.stamp = this.stamp;
    return { key, v: e.v };
  }

  /** A series that is the same for every symbol (calendar), computed once per chunk. */
  sharedSeries(key: string, fill: (out: Float64Array) => void): Series {
    let v = this.shared.get(key);
    if (!v) {
      v = new Float64Array(this.n);
      fill(v);
      this.shared.set(key, v);
    }
    return { key, v };
  }
}

/** v[b * n + i] = grid[i * S + s0 + b]: a block of symbols' columns, symbol-major. */
function gatherBlock(grid: Float64Array | Float32Array, S: number, s0: number, count: number, n: number, v: Float64Array): void {
  for (let i = 0, p = s0; i < n; i++, p += S) {
    for (let b = 0; b < count; b++) v[b * n + i] = grid[p + b];
  }
}
