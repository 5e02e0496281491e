import { tf, type TF } from "../runtime/backend.js";

export interface CustomOpResult {
  value: TF.Tensor;
  gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => TF.Tensor[];
}

/**
 * A differentiable op with our own gradient: `f` gets its tensor inputs and tfjs's save function.
 * The tfjs op is created on first use, so defining one does not load tfjs.
 */
export function customOp(f: (inputs: TF.Tensor[], save: TF.GradSaveFunc) => CustomOpResult): (...inputs: TF.Tensor[]) => TF.Tensor {
  let g: ((...args: TF.Tensor[]) => TF.Tensor) | undefined;
  return (...inputs: TF.Tensor[]) => {
    g ??= tf.customGrad(((...args: (TF.Tensor | TF.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as TF.GradSaveFunc;
      return f(args.slice(0, -1) as TF.Tensor[], save);
    }) as Parameters<typeof tf.customGrad>[0]) as (...args: TF.Tensor[]) => TF.Tensor;
    return g(...inputs);
  };
}
