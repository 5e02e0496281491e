import { tf, type TF } from "../runtime/backend.js";

/**
 * Moving tensors between tfjs and the kernel memory with one copy each way. The public tfjs calls
 * cost more on wasm: `dataSync()` slices the heap into a fresh buffer and `tf.tensor(values)` copies
 * again, so a 4 MB activation would be allocated and copied twice per direction. On the wasm backend
 * we read the tensor's heap view and write results straight into a freshly allocated output tensor
 * (the same `makeOutput` the backend's own kernels use); other backends take the public path.
 * tfjs is pinned to 4.22.0, whose BackendWasm has both methods; if they are missing, the public path
 * is used.
 */

interface WasmBackendView {
  typedArrayFromHeap(t: { shape: number[]; dtype: string; dataId: object }): Float32Array;
  makeOutput(shape: number[], dtype: string): { dataId: object; shape: number[]; dtype: string };
}

function wasmBackend(): WasmBackendView | null {
  if (tf.getBackend() !== "wasm") return null;
  const b = tf.backend() as unknown as Partial<WasmBackendView>;
  return typeof b.typedArrayFromHeap === "function" && typeof b.makeOutput === "function" ? (b as WasmBackendView) : null;
}

/** The tensor's float32 values without copying when possible (valid until the next tfjs op). */
export function tensorView(t: TF.Tensor): Float32Array {
  const wb = wasmBackend();
  if (wb && t.dtype === "float32") return wb.typedArrayFromHeap({ shape: t.shape as number[], dtype: "float32", dataId: t.dataId });
  return t.dataSync() as Float32Array;
}

/** A new float32 tensor holding a copy of `src`. */
export function tensorFrom(src: Float32Array, shape: number[]): TF.Tensor {
  const wb = wasmBackend();
  if (wb) {
    const info = wb.makeOutput(shape, "float32");
    wb.typedArrayFromHeap(info).set(src);
    return tf.engine().makeTensorFromTensorInfo(info as unknown as Parameters<ReturnType<typeof tf.engine>["makeTensorFromTensorInfo"]>[0]);
  }
  return tf.tensor(src.slice(), shape, "float32");
}

/**
 * Overwrites a variable's values. On wasm the variable's own heap buffer is written in place (the
 * trainer's variables share their buffer with no other live tensor); elsewhere it is an assign.
 */
export function writeVariable(v: TF.Variable, src: Float32Array): void {
  const wb = wasmBackend();
  if (wb) {
    wb.typedArrayFromHeap({ shape: v.shape as number[], dtype: "float32", dataId: v.dataId }).set(src);
    return;
  }
  const t = tf.tensor(src.slice(), v.shape, "float32");
  v.assign(t);
  t.dispose();
}
