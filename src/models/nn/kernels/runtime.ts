import { KERNELS_WASM_BASE64 } from "./kernels-wasm.js";

/**
 * The fused kernels' WebAssembly instance (one per thread) and its memory. JavaScript owns the
 * allocation: long-lived buffers (optimiser state) come from a first-fit free list; everything a
 * layer keeps between its forward and backward pass comes from the step arena, which the trainer
 * resets before each batch, so nothing a step allocates outlives it.
 */

type Ptr = number;

export interface KernelExports {
  gemm(ta: number, tb: number, M: number, N: number, K: number, A: Ptr, lda: number, B: Ptr, ldb: number, C: Ptr, ldc: number, acc: number, pb: Ptr): void;
  bias_act(z: Ptr, bias: Ptr, y: Ptr, M: number, N: number, act: number): void;
  act_grad(dy: Ptr, z: Ptr, dz: Ptr, n: number, act: number): void;
  col_sum(x: Ptr, M: number, N: number, ldx: number, out: Ptr, acc: number): void;
  lstm_forward(B: number, L: number, H: number, xp: Ptr, Wh: Ptr, G: Ptr, Cs: Ptr, Hs: Ptr, pb: Ptr): void;
  lstm_backward(B: number, L: number, H: number, Wh: Ptr, G: Ptr, Cs: Ptr, Hs: Ptr, dHs: Ptr, dxp: Ptr, dWh: Ptr, dh: Ptr, dc: Ptr, Hprev: Ptr, pb: Ptr): void;
  gru_forward(B: number, L: number, H: number, xp: Ptr, Wh: Ptr, bh: Ptr, G: Ptr, Hs: Ptr, HP: Ptr, pb: Ptr): void;
  gru_backward(B: number, L: number, H: number, Wh: Ptr, G: Ptr, Hs: Ptr, dHs: Ptr, dxp: Ptr, dWh: Ptr, dbh: Ptr, dh: Ptr, dHP: Ptr, Hprev: Ptr, pb: Ptr): void;
  im2col_causal(x: Ptr, B: number, L: number, C: number, k: number, dil: number, cols: Ptr): void;
  col2im_causal(dcols: Ptr, B: number, L: number, C: number, k: number, dil: number, dx: Ptr): void;
  attention_scratch(L: number, D: number, nh: number): number;
  attention_forward(B: number, L: number, D: number, nh: number, qkv: Ptr, out: Ptr, P: Ptr, scr: Ptr): void;
  attention_backward(B: number, L: number, D: number, nh: number, qkv: Ptr, P: Ptr, dout: Ptr, dqkv: Ptr, scr: Ptr): void;
  layernorm_forward(x: Ptr, g: Ptr, b: Ptr, y: Ptr, xhat: Ptr, rstd: Ptr, M: number, N: number, eps: number): void;
  layernorm_backward(dy: Ptr, g: Ptr, xhat: Ptr, rstd: Ptr, dx: Ptr, dg: Ptr, db: Ptr, M: number, N: number): void;
  sum_squares(x: Ptr, n: number): number;
  adam_update(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, gscale: number, l2: number, b1: number, b2: number, step: number, eps2: number, decay: number): void;
  vexp(x: Ptr, y: Ptr, n: number): void;
  vsigmoid(x: Ptr, y: Ptr, n: number): void;
  vtanh(x: Ptr, y: Ptr, n: number): void;
}

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
const ALIGN = 16;
/** The low 64 KiB stay unused: clang's stack and data live there (it links against imported memory). */
const HEAP_START = 1 << 20;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

export class KernelRuntime {
  readonly k: KernelExports;
  readonly memory: WasmMemory;
  private view: Float32Array;
  /** Free blocks [start, size] in bytes, sorted by start, coalesced. */
  private free: [number, number][] = [];
  private readonly sizes = new Map<number, number>();
  private arena: number[] = [];

  constructor() {
    this.memory = new WA.Memory({ initial: HEAP_START / PAGE + 16, maximum: MAX_PAGES });
    const bytes = Buffer.from(KERNELS_WASM_BASE64, "base64");
    const instance = new WA.Instance(new WA.Module(bytes), { env: { memory: this.memory } });
    this.k = instance.exports as unknown as KernelExports;
    this.view = new Float32Array(this.memory.buffer);
    this.free.push([HEAP_START, this.memory.buffer.byteLength - HEAP_START]);
  }

  /** The whole memory as floats (re-created after the memory grows). */
  f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** A long-lived buffer of n floats (free it with `release`). */
  alloc(nFloats: number): Ptr {
    const bytes = Math.max(ALIGN, Math.ceil((nFloats * 4) / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const [start, size] = this.free[i];
      if (size >= bytes) {
        if (size === bytes) this.free.splice(i, 1);
        else this.free[i] = [start + bytes, size - bytes];
        this.sizes.set(start, bytes);
        return start;
      }
    }
    this.grow(bytes);
    return this.alloc(nFloats);
  }

  release(ptr: Ptr): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`kernel memory: release of unknown block ${ptr}`);
    this.sizes.delete(ptr);
    this.insertFree(ptr, size);
  }

  private insertFree(start: number, size: number): void {
    const f = this.free;
    let i = 0;
    while (i < f.length && f[i][0] < start) i++;
    f.splice(i, 0, [start, size]);
    if (i + 1 < f.length && f[i][0] + f[i][1] === f[i + 1][0]) {
      f[i][1] += f[i + 1][1];
      f.splice(i + 1, 1);
    }
    if (i > 0 && f[i - 1][0] + f[i - 1][1] === f[i][0]) {
      f[i - 1][1] += f[i][1];
      f.splice(i, 1);
    }
  }

  private grow(bytes: number): void {
    const cur = this.memory.buffer.byteLength;
    const want = Math.max(Math.ceil(bytes / PAGE) + 1, Math.ceil(cur / PAGE / 2));
    const pages = Math.min(want, MAX_PAGES - cur / PAGE);
    if (pages * PAGE < bytes) throw new RangeError(`kernel memory: cannot allocate ${bytes} bytes (out of memory: the 4 GiB WebAssembly limit)`);
    this.memory.grow(pages);
    this.insertFree(cur, pages * PAGE);
  }

  /** A buffer of n floats that lives until the next `resetArena`. */
  scratch(nFloats: number): Ptr {
    const p = this.alloc(nFloats);
    this.arena.push(p);
    return p;
  }

  /** A step-arena copy of `src`. */
  put(src: ArrayLike<number> & { length: number }, n = src.length): Ptr {
    const p = this.scratch(n);
    this.f32().set(src as Float32Array, p >> 2);
    return p;
  }

  /** A copy of n floats at ptr. */
  get(ptr: Ptr, n: number): Float32Array {
    return this.f32().slice(ptr >> 2, (ptr >> 2) + n);
  }

  resetArena(): void {
    // Freed in reverse so blocks coalesce back into the one region they came from.
    for (let i = this.arena.length - 1; i >= 0; i--) this.release(this.arena[i]);
    this.arena = [];
  }

  /** Bytes held now (for logs and the memory test). */
  bytesInUse(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }
}

let runtime: KernelRuntime | undefined;

/** This thread's kernel instance, created on first use. */
export function kernelRuntime(): KernelRuntime {
  runtime ??= new KernelRuntime();
  return runtime;
}

/** Resets the step arena if the kernels were ever used in this thread. */
export function resetKernelArena(): void {
  runtime?.resetArena();
}

/** Activation codes of kernels.c. */
export const ACT_CODE = { linear: 0, relu: 1, tanh: 2, gelu: 3, silu: 4, elu: 5, sigmoid: 6 } as const;
export type KernelActivation = keyof typeof ACT_CODE;

/** Floats of gemm packing scratch for products with N output columns. */
export function gemmScratch(N: number): number {
  return Math.ceil(N / 8) * 8 * 128;
}
