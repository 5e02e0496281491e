import { afterAll, describe, expect, it } from "vitest";
import { mlpFamily } from "../../../src/models/nn/families.js";
import { KERNELS_ENV, kernelMode, setKernelMode } from "../../../src/models/nn/ops/fused.js";
import { BACKEND_ENV, nnReady, tf } from "../../../src/models/nn/runtime/backend.js";
import { FoxmlError, InputError } from "../../../src/util/errors.js";
import { ctx, maxAbsDiff, subset, tabularData } from "./helpers.js";

afterAll(async () => {
  await nnReady("cpu");
});

describe("backend chosen at run time", () => {
  it("wasm (the default) and cpu train the same model to float precision", async () => {
    const d = tabularData(300, 4, 1);
    const tr = subset(d, 0, 200);
    const va = subset(d, 200, 300);
    const p = mlpFamily.paramsSchema.parse({ hidden_units: [8], epochs: 2, batch_size: 32 });
    const handlers = [process.listenerCount("uncaughtException"), process.listenerCount("unhandledRejection")];
    expect(await nnReady("wasm")).toBe("wasm");
    // the wasm glue installs process-wide crash handlers that print its whole minified source: removed
    expect([process.listenerCount("uncaughtException"), process.listenerCount("unhandledRejection")]).toEqual(handlers);
    expect(tf.getBackend()).toBe("wasm");
    const a = await mlpFamily.fit(tr, p, ctx, va);
    expect(a.info.training.backend).toBe("wasm");
    const pa = a.predict(va.X, va.nRows);
    await nnReady("cpu");
    const b = await mlpFamily.fit(tr, p, ctx, va);
    expect(b.info.training.backend).toBe("cpu");
    expect(maxAbsDiff(pa, b.predict(va.X, va.nRows))).toBeLessThan(1e-4);
    // a model trained on one backend predicts on another (rebuilt there from its weights)
    expect(maxAbsDiff(a.predict(va.X, va.nRows), pa)).toBeLessThan(1e-4);
    a.dispose();
    b.dispose();
  });

  it("the native tensorflow backend is an optional extra: a clear error when it is not installed", async () => {
    const err = await nnReady("tensorflow").catch((e) => e);
    if (tf.findBackendFactory("tensorflow")) return; // installed here: nothing to check
    expect(err).toBeInstanceOf(FoxmlError);
    expect(err.message).toMatch(/@tensorflow\/tfjs-node/);
    expect(err.hint).toMatch(/wasm/);
  });

  it("bad backend or kernel names from the environment are input errors naming the variable", async () => {
    const saved = process.env[BACKEND_ENV];
    process.env[BACKEND_ENV] = "gpu-please";
    try {
      await expect(nnReady()).rejects.toThrow(/unknown neural-network backend "gpu-please" \(from FOXML_NN_BACKEND\)/);
      await expect(nnReady("gpu" as never)).rejects.toThrow(InputError);
      expect(await nnReady("cpu")).toBe("cpu"); // an explicit choice does not read the environment
    } finally {
      if (saved === undefined) delete process.env[BACKEND_ENV];
      else process.env[BACKEND_ENV] = saved;
    }
    const savedK = process.env[KERNELS_ENV];
    process.env[KERNELS_ENV] = "turbo";
    try {
      setKernelMode(undefined as never);
      expect(() => kernelMode()).toThrow(/FOXML_NN_KERNELS=turbo is not a kernel mode/);
    } finally {
      if (savedK === undefined) delete process.env[KERNELS_ENV];
      else process.env[KERNELS_ENV] = savedK;
      setKernelMode("auto");
    }
  });
});
