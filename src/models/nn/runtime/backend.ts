import { createRequire } from "node:module";
import { dirname } from "node:path";
import type * as TF from "@tensorflow/tfjs";
import { FoxmlError, InputError } from "../../../util/errors.js";

/**
 * The TensorFlow.js backend the neural families run on, chosen at run time:
 * - `wasm` (default): XNNPACK with SIMD, one thread per Node thread; our fused kernels do the hot paths.
 * - `cpu`: plain JavaScript kernels; slow but exact and dependency-free, used by the tests.
 * - `tensorflow`: native libtensorflow (CPU or GPU) from `@tensorflow/tfjs-node(-gpu)`, an optional extra
 *   the user installs; never a hard dependency, so it is loaded by name only when asked for.
 * `auto` takes `tensorflow` when one of those packages is installed, else `wasm`.
 *
 * tfjs keeps one engine per module instance (per thread), so each worker thread has its own backend.
 *
 * tfjs takes about a second to import, so it is loaded on first use, not when the families register
 * (every CLI command imports the registry). Its Node entry points are CommonJS, so a synchronous
 * `require` gives the same module instance an `import` would, and synchronous `load`/`predict` work.
 */

const req = createRequire(import.meta.url);
let tfModule: typeof TF | undefined;

function loadTf(): typeof TF {
  if (!tfModule) {
    tfModule = req("@tensorflow/tfjs") as typeof TF;
    req("@tensorflow/tfjs-backend-wasm"); // registers the wasm backend with the same engine
  }
  return tfModule;
}

/** The tfjs namespace, loaded on first property access. */
export const tf: typeof TF = new Proxy({} as typeof TF, {
  get: (_t, key) => (loadTf() as unknown as Record<string | symbol, unknown>)[key],
});
export type { TF };

export const NN_BACKENDS = ["auto", "wasm", "cpu", "tensorflow"] as const;
export type NnBackendChoice = (typeof NN_BACKENDS)[number];
export type NnBackend = Exclude<NnBackendChoice, "auto">;

/** Environment override for the backend, so a user can switch without editing configs. */
export const BACKEND_ENV = "FOXML_NN_BACKEND";

let active: NnBackend | undefined;
let pending: Promise<NnBackend> | undefined;
let pendingChoice: NnBackendChoice | undefined;
let wasmPathsSet = false;

function wasmDir(): string {
  return dirname(req.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
}

/** The packages providing the native backend, GPU first. Imported by name at run time only. */
const NATIVE_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

async function tryNative(): Promise<boolean> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      const name: string = pkg;
      await import(name);
      if (tf.findBackendFactory("tensorflow")) return true;
    } catch {
      // not installed (or failed to load its native library): try the next one
    }
  }
  return false;
}

function resolveChoice(choice: NnBackendChoice | undefined): NnBackendChoice {
  const env = process.env[BACKEND_ENV];
  const c = choice ?? (env && env.length > 0 ? env : "auto");
  if (!(NN_BACKENDS as readonly string[]).includes(c)) {
    throw new InputError(`unknown neural-network backend "${c}"${choice === undefined ? ` (from ${BACKEND_ENV})` : ""}`, `use one of: ${NN_BACKENDS.join(", ")}`);
  }
  return c as NnBackendChoice;
}

async function init(choice: NnBackendChoice): Promise<NnBackend> {
  let want: NnBackend;
  if (choice === "auto") want = (await tryNative()) ? "tensorflow" : "wasm";
  else if (choice === "tensorflow") {
    if (!(await tryNative())) {
      throw new FoxmlError("the tensorflow backend needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, which is not installed", {
        hint: `install one of them (npm install @tensorflow/tfjs-node@4.22.0), or choose the wasm backend (${BACKEND_ENV}=wasm)`,
      });
    }
    want = "tensorflow";
  } else want = choice;
  if (want === "wasm" && !wasmPathsSet) {
    const wasm = req("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(`${wasmDir()}/`);
    wasmPathsSet = true;
  }
  // The wasm backend's Emscripten glue installs process-wide uncaughtException/unhandledRejection
  // handlers that rethrow, so any later crash prints its whole minified source; the CLI has its own.
  const before = { u: process.listeners("uncaughtException"), r: process.listeners("unhandledRejection") };
  let ok: boolean;
  try {
    ok = await tf.setBackend(want);
    await tf.ready();
  } finally {
    for (const l of process.listeners("uncaughtException")) if (!before.u.includes(l)) process.off("uncaughtException", l);
    for (const l of process.listeners("unhandledRejection")) if (!before.r.includes(l)) process.off("unhandledRejection", l);
  }
  if (!ok) throw new FoxmlError(`the TensorFlow.js ${want} backend failed to initialise`, { exitCode: 1 });
  quietCpuBanner();
  active = want;
  return want;
}

/** The cpu backend prints an advert for tfjs-node on first use; it is noise in logs and tests. */
function quietCpuBanner(): void {
  const b = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof b.firstUse === "boolean") b.firstUse = false;
}

/**
 * Initialises the backend (once per thread) and returns its name. Without an argument the choice is
 * FOXML_NN_BACKEND (default `auto`). A concrete choice different from the active backend switches to
 * it; `auto` keeps whatever is active.
 */
export async function nnReady(choice?: NnBackendChoice): Promise<NnBackend> {
  const c = resolveChoice(choice);
  if (active && (c === "auto" || c === active)) return active;
  if (pending && pendingChoice === c) return pending;
  pendingChoice = c;
  pending = init(c).finally(() => {
    pending = undefined;
    pendingChoice = undefined;
  });
  return pending;
}

/**
 * The active backend for synchronous work (prediction after `load` in a fresh thread). When no
 * backend was initialised, the cpu backend is set synchronously: it needs no asynchronous start.
 */
export function nnBackendSync(): NnBackend {
  if (active) return active;
  tf.setBackend("cpu");
  quietCpuBanner();
  active = "cpu";
  return active;
}

export function activeNnBackend(): NnBackend | undefined {
  return active;
}
