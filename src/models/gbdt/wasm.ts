/**
 * The histogram kernels in WebAssembly (SIMD), assembled here byte by byte so that no toolchain is
 * needed: a [grad, hess] pair is one f64x2 lane pair, so each (row, feature) update is one 16-byte
 * load, one f64x2.add and one store, with no bounds or overflow checks (JavaScript's typed-array
 * loop pays both on every access). Each bin still receives its rows' pairs in ascending row order
 * with the same IEEE additions, so the histograms are bit-identical to the JavaScript kernels.
 *
 * The kernels work on one shared WebAssembly.Memory (the arena) holding the packed bin codes, row
 * indices, gradients, per-thread scratch and histogram slots; worker threads instantiate the same
 * module on the same memory. No imports: loaded by worker threads.
 */

export interface HistKernels {
  /** 4 features per packed word over rows[0, n) (byte pointers): lane k adds into bins at ak. */
  hist4(word: number, rows: number, n: number, gh: number, a0: number, a1: number, a2: number, a3: number): void;
  /**
   * Row-major codes (stride bytes per row, features padded to a multiple of 4): for each row, the
   * width bytes at codes + row * stride, 4 features per i32; feature j of the range adds into the
   * bins at hist + offTab[j] (byte offsets).
   */
  hist4row(codes: number, stride: number, width: number, rows: number, n: number, gh: number, hist: number, offTab: number): void;
  /** hist4 over words word[0, n) in order (all rows: the root without bagging). */
  hist4seq(word: number, n: number, gh: number, a0: number, a1: number, a2: number, a3: number): void;
  /** out[2i] = grad[rows[i]], out[2i+1] = hess[rows[i]]. */
  gather(rows: number, n: number, grad: number, hess: number, out: number): void;
  /** out[2i] = grad[i], out[2i+1] = hess[i]. */
  interleave(n: number, grad: number, hess: number, out: number): void;
  /** parent -= child over nPairs [grad, hess] pairs. */
  sub(parent: number, child: number, nPairs: number): void;
  /**
   * Branch-free split of the n row indices at src by one numeric split (8-bit codes: left when
   * code <= thr, or code === miss and missLeft): each row is written to both cursors and only the
   * matching one advances, dstL by 4 bytes, dstR by stepR (4 or -4). Returns the left count.
   */
  part(src: number, n: number, dstL: number, dstR: number, stepR: number, word: number, shift: number, thr: number, miss: number, missLeft: number): number;
}

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const PAGE = 65536;
const MAX_PAGES = 65536;

// --- a minimal assembler ---
const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const add = [0x6a];
const and = [0x71];
const shl = [0x74];
const shrU = [0x76];
const ltU = [0x49];
const leU = [0x4d];
const eq = [0x46];
const or = [0x72];
const xor = [0x73];
const mul = [0x6c];
const sub = [0x6b];
const shrS = [0x75];
const i32Store = (offset = 0): number[] => [0x36, 2, ...uleb(offset)];
const eqz = [0x45];
const i32Load = (offset = 0): number[] => [0x28, 2, ...uleb(offset)];
const f64Load = (offset = 0): number[] => [0x2b, 3, ...uleb(offset)];
const f64Store = (offset = 0): number[] => [0x39, 3, ...uleb(offset)];
const v128Load = (offset = 0): number[] => [0xfd, 0x00, 4, ...uleb(offset)];
const v128Store = (offset = 0): number[] => [0xfd, 0x0b, 4, ...uleb(offset)];
const f64x2Add = [0xfd, ...uleb(240)];
const f64x2Sub = [0xfd, ...uleb(241)];
const ret = [0x0f];
const ifEmpty = [0x04, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const brIf = (d: number): number[] => [0x0d, ...uleb(d)];

/** Adds pair `g` (a v128 local) into the bin at base + ((v >>> shift) & 0xff0) (shift < 0: left shift). */
function laneUpdate(base: number, v: number, shift: number, g: number, p: number): number[] {
  const code = shift < 0 ? [...get(v), ...i32c(-shift), ...shl, ...i32c(0xff0), ...and] : [...get(v), ...i32c(shift), ...shrU, ...i32c(0xff0), ...and];
  return [...get(base), ...code, ...add, ...tee(p), ...get(p), ...v128Load(), ...get(g), ...f64x2Add, ...v128Store()];
}

/** The four lanes of one packed word v (8-bit codes, bin b at byte b * 16). */
function fourLanes(a: number[], v: number, g: number, p: number): number[] {
  return [...laneUpdate(a[0], v, -4, g, p), ...laneUpdate(a[1], v, 4, g, p), ...laneUpdate(a[2], v, 12, g, p), ...laneUpdate(a[3], v, 20, g, p)];
}

function hist4Body(): number[] {
  // params: word 0, rows 1, n 2, gh 3, a0..a3 4..7; locals: end 8, v 9, p 10, g 11 (v128)
  const [word, rows, n, gh, end_, v, p, g] = [0, 1, 2, 3, 8, 9, 10, 11];
  return [
    ...vec([[2 + 1, I32], [1, V128]].map(([c, t]) => [...uleb(c), t])),
    ...get(n), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(rows), ...get(n), ...i32c(2), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(word), ...get(rows), ...i32Load(), ...i32c(2), ...shl, ...add, ...i32Load(), ...set(v),
    ...get(gh), ...v128Load(), ...set(g),
    ...fourLanes([4, 5, 6, 7], v, g, p),
    ...get(gh), ...i32c(16), ...add, ...set(gh),
    ...get(rows), ...i32c(4), ...add, ...tee(rows), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...end,
  ];
}

function hist4rowBody(): number[] {
  // params: codes 0, stride 1, width 2, rows 3, n 4, gh 5, hist 6, offTab 7; locals: end 8, base 9, rowEnd 10, t 11, v 12, p 13, g 14 (v128)
  const [codes, stride, width, rows, n, gh, hist, offTab, end_, base, rowEnd, t, v, p, g] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const lane = (shift: number, k: number): number[] => {
    const code = shift < 0 ? [...get(v), ...i32c(-shift), ...shl] : [...get(v), ...i32c(shift), ...shrU];
    return [...get(hist), ...get(t), ...i32Load(4 * k), ...add, ...code, ...i32c(0xff0), ...and, ...add, ...tee(p), ...get(p), ...v128Load(), ...get(g), ...f64x2Add, ...v128Store()];
  };
  return [
    ...vec([[6, I32], [1, V128]].map(([c, ty]) => [...uleb(c), ty])),
    ...get(n), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(width), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(rows), ...get(n), ...i32c(2), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(codes), ...get(rows), ...i32Load(), ...get(stride), ...mul, ...add, ...tee(base), ...get(width), ...add, ...set(rowEnd),
    ...get(gh), ...v128Load(), ...set(g),
    ...get(offTab), ...set(t),
    ...loop,
    ...get(base), ...i32Load(), ...set(v),
    ...lane(-4, 0), ...lane(4, 1), ...lane(12, 2), ...lane(20, 3),
    ...get(t), ...i32c(16), ...add, ...set(t),
    ...get(base), ...i32c(4), ...add, ...tee(base), ...get(rowEnd), ...ltU, ...brIf(0),
    ...end,
    ...get(gh), ...i32c(16), ...add, ...set(gh),
    ...get(rows), ...i32c(4), ...add, ...tee(rows), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...end,
  ];
}

function hist4seqBody(): number[] {
  // params: word 0, n 1, gh 2, a0..a3 3..6; locals: end 7, v 8, p 9, g 10 (v128)
  const [word, n, gh, end_, v, p, g] = [0, 1, 2, 7, 8, 9, 10];
  return [
    ...vec([[3, I32], [1, V128]].map(([c, t]) => [...uleb(c), t])),
    ...get(n), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(word), ...get(n), ...i32c(2), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(word), ...i32Load(), ...set(v),
    ...get(gh), ...v128Load(), ...set(g),
    ...fourLanes([3, 4, 5, 6], v, g, p),
    ...get(gh), ...i32c(16), ...add, ...set(gh),
    ...get(word), ...i32c(4), ...add, ...tee(word), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...end,
  ];
}

function gatherBody(): number[] {
  // params: rows 0, n 1, grad 2, hess 3, out 4; locals: end 5, r 6
  const [rows, n, grad, hess, out, end_, r] = [0, 1, 2, 3, 4, 5, 6];
  return [
    ...vec([[...uleb(2), I32]]),
    ...get(n), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(rows), ...get(n), ...i32c(2), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(rows), ...i32Load(), ...i32c(3), ...shl, ...set(r),
    ...get(out), ...get(grad), ...get(r), ...add, ...f64Load(), ...f64Store(0),
    ...get(out), ...get(hess), ...get(r), ...add, ...f64Load(), ...f64Store(8),
    ...get(out), ...i32c(16), ...add, ...set(out),
    ...get(rows), ...i32c(4), ...add, ...tee(rows), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...end,
  ];
}

function interleaveBody(): number[] {
  // params: n 0, grad 1, hess 2, out 3; locals: end 4
  const [n, grad, hess, out, end_] = [0, 1, 2, 3, 4];
  return [
    ...vec([[...uleb(1), I32]]),
    ...get(n), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(grad), ...get(n), ...i32c(3), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(out), ...get(grad), ...f64Load(), ...f64Store(0),
    ...get(out), ...get(hess), ...f64Load(), ...f64Store(8),
    ...get(out), ...i32c(16), ...add, ...set(out),
    ...get(hess), ...i32c(8), ...add, ...set(hess),
    ...get(grad), ...i32c(8), ...add, ...tee(grad), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...end,
  ];
}

function subBody(): number[] {
  // params: parent 0, child 1, nPairs 2; locals: end 3
  const [parent, child, n, end_] = [0, 1, 2, 3];
  return [
    ...vec([[...uleb(1), I32]]),
    ...get(n), ...eqz, ...ifEmpty, ...ret, ...end,
    ...get(parent), ...get(n), ...i32c(4), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(parent), ...get(parent), ...v128Load(), ...get(child), ...v128Load(), ...f64x2Sub, ...v128Store(),
    ...get(child), ...i32c(16), ...add, ...set(child),
    ...get(parent), ...i32c(16), ...add, ...tee(parent), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...end,
  ];
}

function partBody(): number[] {
  // params: src 0, n 1, dstL 2, dstR 3, stepR 4, word 5, shift 6, thr 7, miss 8, missLeft 9; locals: end 10, r 11, b 12, left 13, l0 14
  const [src, n, dstL, dstR, stepR, word, shift, thr, miss, missLeft, end_, r, b, left, l0] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  return [
    ...vec([[...uleb(5), I32]]),
    ...get(n), ...eqz, ...ifEmpty, ...i32c(0), ...ret, ...end,
    ...get(dstL), ...set(l0),
    ...get(src), ...get(n), ...i32c(2), ...shl, ...add, ...set(end_),
    ...loop,
    ...get(src), ...i32Load(), ...set(r),
    ...get(word), ...get(r), ...i32c(2), ...shl, ...add, ...i32Load(), ...get(shift), ...shrU, ...i32c(255), ...and, ...set(b),
    ...get(b), ...get(thr), ...leU, ...get(b), ...get(miss), ...eq, ...get(missLeft), ...and, ...or, ...set(left),
    ...get(dstL), ...get(r), ...i32Store(),
    ...get(dstR), ...get(r), ...i32Store(),
    ...get(dstL), ...get(left), ...i32c(2), ...shl, ...add, ...set(dstL),
    ...get(dstR), ...get(stepR), ...get(left), ...i32c(1), ...xor, ...mul, ...add, ...set(dstR),
    ...get(src), ...i32c(4), ...add, ...tee(src), ...get(end_), ...ltU, ...brIf(0),
    ...end,
    ...get(dstL), ...get(l0), ...sub, ...i32c(2), ...shrS,
    ...end,
  ];
}

function assemble(): Uint8Array {
  const fns: { name: string; params: number; result?: boolean; body: number[] }[] = [
    { name: "hist4", params: 8, body: hist4Body() },
    { name: "hist4seq", params: 7, body: hist4seqBody() },
    { name: "gather", params: 5, body: gatherBody() },
    { name: "interleave", params: 4, body: interleaveBody() },
    { name: "sub", params: 3, body: subBody() },
    { name: "part", params: 10, result: true, body: partBody() },
    { name: "hist4row", params: 8, body: hist4rowBody() },
  ];
  const types = fns.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), ...(f.result ? [1, I32] : [0])]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name("e"), ...name("m"), 0x02, 0x03, ...uleb(1), ...uleb(MAX_PAGES)]])),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => [...uleb(f.body.length), ...f.body]))),
  ];
  return Uint8Array.from(bytes);
}

let cachedModule: object | null = null;

/** The compiled module (compiled once per thread; also sent to workers by message). */
export function kernelModule(): object {
  if (!cachedModule) cachedModule = new WA.Module(assemble());
  return cachedModule;
}

export function instantiateKernels(module: object, memory: WasmMemory): HistKernels {
  return new WA.Instance(module, { e: { m: memory } }).exports as unknown as HistKernels;
}

/** A shared memory of at least `bytes` bytes (its buffer is a SharedArrayBuffer). */
export function sharedMemory(bytes: number): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > MAX_PAGES) throw new RangeError(`GBDT kernel memory of ${bytes} bytes exceeds the 4 GiB WebAssembly limit`);
  return new WA.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Bump allocation of 64-byte aligned blocks in a layout computed before the memory exists. */
export class ArenaLayout {
  private top = 64;
  /** Reserves `bytes` and returns the block's byte offset. */
  take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(Math.max(bytes, 1) / 64) * 64;
    return at;
  }
  get size(): number {
    return this.top;
  }
}
