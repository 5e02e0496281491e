import type { TF } from "../runtime/backend.js";

/**
 * Fused whole-sequence kernels (our own forward and backward), used where they beat stock tfjs ops.
 * `null` means: build the network from stock ops.
 */
export interface RecurrentKernels {
  /** LSTM over pre-projected inputs xp [B, L, 4H] (i, f, g, o) with recurrent weights wh [H, 4H] -> hs [B, L, H]. */
  lstm(xp: TF.Tensor, wh: TF.Tensor): TF.Tensor;
  /** GRU over xp [B, L, 3H] (r, z, n), wh [H, 3H], bh [3H] -> hs [B, L, H]. */
  gru(xp: TF.Tensor, wh: TF.Tensor, bh: TF.Tensor): TF.Tensor;
}

let provider: (() => RecurrentKernels | null) | null = null;

export function setRecurrentKernelProvider(p: (() => RecurrentKernels | null) | null): void {
  provider = p;
}

export function recurrentKernels(): RecurrentKernels | null {
  return provider ? provider() : null;
}
