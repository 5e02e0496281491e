import { beforeAll, describe, expect, it } from "vitest";
import { lstmFamily, mlpFamily } from "../../../src/models/nn/families.js";
import { fitNnParallel } from "../../../src/models/nn/parallel/pool.js";
import { nnReady } from "../../../src/models/nn/runtime/backend.js";
import { InputError } from "../../../src/util/errors.js";
import { ctx, sequenceData, subset, tabularData } from "./helpers.js";

const tab = tabularData(500, 4, 8);
const train = subset(tab, 0, 400);
const valid = subset(tab, 400, 500);
const seq = sequenceData(80, 4, 2, 9);
const mlpP = { hidden_units: [8], epochs: 2, batch_size: 64, dropout: 0.1 };
const lstmP = { lookback: 4, hidden_units: [4], epochs: 2, batch_size: 64 };

beforeAll(async () => {
  await nnReady("cpu");
});

describe("several models trained at once in worker threads", () => {
  it("each worker has its own tfjs; results equal in-process training with the same seeds", async () => {
    const logs: string[] = [];
    const log = { info: (_o: object, m?: string) => logs.push(m ?? ""), warn: () => {}, debug: () => {} };
    const models = await fitNnParallel(
      [
        { family: "mlp", params: mlpP, seed: 1, train, valid },
        { family: "lstm", params: lstmP, seed: 2, train: seq.train, valid: seq.valid },
        { family: "mlp", params: mlpP, seed: 3, train, valid },
      ],
      { threads: 2, log },
    );
    expect(models.map((m) => m.family)).toEqual(["mlp", "lstm", "mlp"]);
    expect(models.every((m) => m.info.training.backend === "cpu")).toBe(true);
    expect(logs.filter((m) => m === "nn batch size chosen").length).toBe(3);

    const a = await mlpFamily.fit(train, mlpFamily.paramsSchema.parse(mlpP), { ...ctx, seed: 1 }, valid);
    const b = await lstmFamily.fit(seq.train, lstmFamily.paramsSchema.parse(lstmP), { ...ctx, seed: 2 }, seq.valid);
    expect(Array.from(models[0].predict(valid.X, valid.nRows))).toEqual(Array.from(a.predict(valid.X, valid.nRows)));
    expect(Array.from(models[1].predictSequence(seq.valid))).toEqual(Array.from(b.predictSequence(seq.valid)));
    expect(Array.from(models[2].predict(valid.X, valid.nRows))).not.toEqual(Array.from(a.predict(valid.X, valid.nRows)));
    for (const m of [...models, a, b]) m.dispose();
  });

  it("a job's input error comes back as an InputError; unknown families are refused up front", async () => {
    const y = Float64Array.from(train.y);
    y[3] = NaN;
    await expect(fitNnParallel([{ family: "mlp", params: mlpP, seed: 1, train: { ...train, y } }], { threads: 1 })).rejects.toThrow(InputError);
    await expect(fitNnParallel([{ family: "nope", params: {}, seed: 1, train }], { threads: 1 })).rejects.toThrow(/unknown neural family "nope"/);
  });
});
