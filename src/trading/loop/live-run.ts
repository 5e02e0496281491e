/**
 * `foxml trade` without --replay or --dry-run: the live loop wired up. The state folder holds the
 * journal (journal.sqlite), the paper broker's book (paper-broker.sqlite) and logs.jsonl; the
 * journal is bound to the model and broker, so a folder cannot mix two loops' orders. SIGTERM and
 * SIGINT stop the loop after the bar it is in; everything is closed on the way out.
 */
import { join } from "node:path";
import { InputError } from "../../util/errors.js";
import { hashJson } from "../../util/hash.js";
import { createVenue, type BrokerName } from "../broker/factory.js";
import { TradingMetrics, serveMetrics, type MetricsServer } from "../metrics.js";
import type { TradingModel } from "../model/load.js";
import { trainedUniverse } from "../model/universe.js";
import { Journal } from "../orders/journal.js";
import type { TradingConfig } from "../schema.js";
import { LiveLoop, type LiveSummary } from "./live.js";
import { prepareStep } from "./replay.js";
import { processAlive, type LiveHeartbeat } from "./status.js";
import type { LoopLog } from "./trading-loop.js";

export interface LiveRunInput {
  broker: BrokerName;
  model: TradingModel;
  cfg: TradingConfig;
  stateDir: string;
  feedFile?: string;
  env: NodeJS.ProcessEnv;
  log: LoopLog;
  /** Stops the loop (the command wires SIGTERM / SIGINT to it). */
  stop: AbortSignal;
}

export interface LiveRunResult extends LiveSummary {
  metrics_url: string | null;
}

export async function runLive(o: LiveRunInput): Promise<LiveRunResult> {
  const { model, cfg, log } = o;
  const universe = trainedUniverse(model);
  const journal = Journal.open(join(o.stateDir, "journal.sqlite"), cfg.journal.synchronous);
  let server: MetricsServer | null = null;
  let venue: Awaited<ReturnType<typeof createVenue>> | null = null;
  try {
    // Bound to model and broker only: limits may be tightened between restarts of one loop.
    journal.bind(hashJson({ mode: "live", model: model.modelId, broker: o.broker }), "model or broker");
    const other = journal.meta.get<LiveHeartbeat>("live");
    if (other !== undefined && other.pid !== process.pid && processAlive(other.pid)) {
      throw new InputError(`another live loop (process ${other.pid}) is running on ${o.stateDir}`, "stop it first (SIGTERM), or give this one its own --state folder");
    }
    venue = await createVenue(o.broker, { cfg, env: o.env, log, stateDir: o.stateDir, symbols: universe.symbols, feedFile: o.feedFile, naiveOffsetMinutes: universe.naiveOffsetMinutes });
    const metrics = cfg.metrics.port > 0 ? new TradingMetrics({ broker: o.broker, model: model.modelId }) : null;
    if (metrics !== null) {
      server = await serveMetrics(metrics.registry, cfg.metrics.host, cfg.metrics.port);
      log.info("metrics served", { url: `http://${cfg.metrics.host}:${server.port}/metrics` });
    }
    const loop = new LiveLoop({ model, universe, cfg, broker: venue.broker, feed: venue.feed, paper: venue.paper, journal, log, metrics, stop: o.stop }, prepareStep(model, universe.interval, cfg));
    const summary = await loop.run();
    return { ...summary, metrics_url: server === null ? null : `http://${cfg.metrics.host}:${server.port}/metrics` };
  } finally {
    await server?.close();
    await venue?.feed.close();
    await venue?.broker.close();
    journal.close();
  }
}
