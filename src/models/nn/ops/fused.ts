import { InputError } from "../../../util/errors.js";
import { tf } from "../runtime/backend.js";

/**
 * Whether layers run on our fused WebAssembly kernels or on stock tfjs ops. `auto` fuses on the
 * wasm and cpu backends (where the kernels are several times faster) and keeps stock ops on the
 * native `tensorflow` backend (whose own kernels are faster still). Both give the same math; the
 * tests check one against the other.
 */
export const KERNEL_MODES = ["auto", "fused", "stock"] as const;
export type KernelMode = (typeof KERNEL_MODES)[number];
export const KERNELS_ENV = "FOXML_NN_KERNELS";

let mode: KernelMode | undefined;

export function setKernelMode(m: KernelMode): void {
  mode = m;
}

export function kernelMode(): KernelMode {
  if (mode) return mode;
  const env = process.env[KERNELS_ENV];
  if (env && env.length > 0) {
    if (!(KERNEL_MODES as readonly string[]).includes(env)) throw new InputError(`${KERNELS_ENV}=${env} is not a kernel mode`, `use one of: ${KERNEL_MODES.join(", ")}`);
    return env as KernelMode;
  }
  return "auto";
}

export function useFused(): boolean {
  const m = kernelMode();
  return m === "fused" || (m === "auto" && tf.getBackend() !== "tensorflow");
}
