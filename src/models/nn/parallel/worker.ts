import { parentPort } from "node:worker_threads";
import { isFoxmlError } from "../../../util/errors.js";
import { NN_FAMILIES } from "../families.js";
import { setKernelMode } from "../ops/fused.js";
import { nnReady } from "../runtime/backend.js";
import type { FitRequest, WorkerReply } from "./protocol.js";

/**
 * A training worker: its own tfjs engine and backend, its own kernel memory. Trains one model at a
 * time and sends back the model's JSON (the same form `save` writes), which the caller loads.
 */
const port = parentPort!;
const post = (m: WorkerReply): void => port.postMessage(m);

port.on("message", (req: FitRequest) => {
  void handle(req);
});

async function handle(req: FitRequest): Promise<void> {
  const log = {
    info: (obj: object, msg?: string) => post({ type: "log", id: req.id, level: "info", obj, msg }),
    warn: (obj: object, msg?: string) => post({ type: "log", id: req.id, level: "warn", obj, msg }),
    debug: (obj: object, msg?: string) => post({ type: "log", id: req.id, level: "debug", obj, msg }),
  };
  try {
    const fam = NN_FAMILIES.find((f) => f.name === req.family);
    if (!fam) throw new Error(`unknown neural family "${req.family}"`);
    await nnReady(req.backend);
    setKernelMode(req.kernels);
    const params = fam.paramsSchema.parse(req.params);
    const model = await fam.fit(req.train, params as never, { seed: req.seed, threads: 1, log }, req.valid);
    const json = model.toJSON();
    model.dispose();
    post({ type: "done", id: req.id, model: json });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", id: req.id, name: err.name, message: err.message, hint: isFoxmlError(e) ? e.hint : undefined, exitCode: isFoxmlError(e) ? e.exitCode : undefined });
  }
}

post({ type: "ready" });
