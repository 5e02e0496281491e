import type { TabularData } from "../../family.js";
import type { NnBackendChoice } from "../runtime/backend.js";
import type { KernelMode } from "../ops/fused.js";
import type { SequenceData } from "../sequence-data.js";

/** Messages between the training pool and its workers. */
export interface FitRequest {
  type: "fit";
  id: number;
  family: string;
  params: unknown;
  seed: number;
  backend: NnBackendChoice;
  kernels: KernelMode;
  train: TabularData | SequenceData;
  valid?: TabularData | SequenceData;
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "log"; id: number; level: "info" | "warn" | "debug"; obj: object; msg?: string }
  | { type: "done"; id: number; model: unknown }
  | { type: "error"; id: number; name: string; message: string; hint?: string; exitCode?: 1 | 2 };
