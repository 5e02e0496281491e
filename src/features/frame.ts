import { FoxmlError } from "../util/errors.js";

/**
 * A computed per-symbol series. `key` is a short id ("#12") given when the series was first
 * memoized in the chunk; derived series build their memo keys from it (`sum20(#12)`), so keys stay
 * short however deep the derivation (long nested keys cost a flatten and a hash on every lookup).
 */
export interface Series {
  readonly key: string;
  readonly v: Float64Array;
}

interface MemoEntry {
  readonly key: string;
  v: Float64Array;
  stamp: number;
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

const EMPTY = new Float64Array(0);

/** Most symbols a block holds (the engine's block size): 32 Float32 values are two cache lines of a grid row. */
export const BLOCK_CAPACITY = 32;

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
  private readonly memo = new Map<string, MemoEntry>();
  private readonly shared = new Map<string, MemoEntry>();

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
    const e = this.entry(`col(${name})`);
    if (e.stamp !== this.stamp) {
      e.v = this.blockColumn(name);
      e.stamp = this.stamp;
    }
    return e;
  }

  private blockColumn(name: string): Float64Array {
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
    return blk.v.subarray(off, off + this.n);
  }

  private entry(memoKey: string): MemoEntry {
    let e = this.memo.get(memoKey);
    if (!e) {
      e = { key: `#${this.memo.size}`, v: EMPTY, stamp: -1 };
      this.memo.set(memoKey, e);
    }
    return e;
  }

  /** The memoized series `key` for the current symbol, computed by `fill` on first use. */
  series(key: string, fill: (out: Float64Array) => void): Series {
    const e = this.entry(key);
    if (e.stamp !== this.stamp) {
      if (e.v.length !== this.n) e.v = new Float64Array(this.n);
      fill(e.v);
      e.stamp = this.stamp;
    }
    return e;
  }

  /** A series that is the same for every symbol (calendar), computed once per chunk. */
  sharedSeries(key: string, fill: (out: Float64Array) => void): Series {
    let e = this.shared.get(key);
    if (!e) {
      e = { key: `#shared${this.shared.size}`, v: new Float64Array(this.n), stamp: 0 };
      fill(e.v);
      this.shared.set(key, e);
    }
    return e;
  }
}

/** v[b * n + i] = grid[i * S + s0 + b]: a block of symbols' columns, symbol-major. */
function gatherBlock(grid: Float64Array | Float32Array, S: number, s0: number, count: number, n: number, v: Float64Array): void {
  for (let i = 0, p = s0; i < n; i++, p += S) {
    for (let b = 0; b < count; b++) v[b * n + i] = grid[p + b];
  }
}
