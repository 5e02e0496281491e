/**
 * Live progress of a running run as server-sent events: the run's summary.json (rewritten
 * atomically at each stage transition) is read every interval and a `progress` event sent when it
 * changed; `end` when the run is no longer running. Nothing is pushed into the run folder.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerResponse } from "node:http";

export interface Progress {
  status: string;
  stages: { name: string; status: string; duration_s: number | null }[];
  done: number;
  total: number;
}

export function readProgress(runDir: string): Progress | null {
  try {
    const s = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as { status?: string; stages?: Record<string, { status: string; duration_s?: number | null }> };
    const stages = Object.entries(s.stages ?? {}).map(([name, x]) => ({ name, status: x.status, duration_s: x.duration_s ?? null }));
    return { status: s.status ?? "unknown", stages, done: stages.filter((x) => x.status !== "running" && x.status !== "pending").length, total: stages.length };
  } catch {
    return null; // mid-write or gone: try again next tick
  }
}

export function streamProgress(runDir: string, res: ServerResponse, intervalMs = 1000): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
  let last = "";
  const tick = () => {
    const p = readProgress(runDir);
    if (p === null) return;
    const text = JSON.stringify(p);
    if (text !== last) {
      last = text;
      res.write(`event: progress\ndata: ${text}\n\n`);
    }
    if (p.status !== "running") {
      res.write("event: end\ndata: {}\n\n");
      stop();
      res.end();
    }
  };
  const timer = setInterval(tick, intervalMs);
  const stop = () => clearInterval(timer);
  res.on("close", stop);
  tick();
}
