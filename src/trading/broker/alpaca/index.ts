/**
 * The Alpaca connector's two entry points: the broker (`foxml trade --broker alpaca`) and the
 * market-data bar feed. Keys come from `env` only (APCA_API_KEY_ID / APCA_API_SECRET_KEY).
 */
import type { LoopLog } from "../../loop/trading-loop.js";
import type { BarFeed } from "../../feed/types.js";
import type { TradingConfig } from "../../schema.js";
import type { Broker } from "../types.js";
import { AlpacaBroker } from "./broker.js";
import { readCredentials } from "./credentials.js";
import { resolveEndpoints } from "./endpoints.js";
import { maskedLog } from "./errors.js";
import { AlpacaBarFeed } from "./feed.js";
import { AlpacaRest } from "./rest.js";

/** Checks the key against the account and opens the trade-updates stream. */
export async function createAlpacaBroker(cfg: TradingConfig, env: NodeJS.ProcessEnv, log: LoopLog): Promise<Broker> {
  return AlpacaBroker.open({ cfg: cfg.alpaca, creds: readCredentials(env), log });
}

export function createAlpacaFeed(cfg: TradingConfig, env: NodeJS.ProcessEnv, log: LoopLog): BarFeed {
  const creds = readCredentials(env);
  return new AlpacaBarFeed(new AlpacaRest(resolveEndpoints(cfg.alpaca), creds, cfg.alpaca, maskedLog(log, creds.masker)), cfg.alpaca);
}
