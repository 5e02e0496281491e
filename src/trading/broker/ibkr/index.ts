/**
 * The Interactive Brokers connector: `foxml trade --broker ibkr` builds its Broker and BarFeed
 * here, from `pipeline.trading.ibkr` and the environment (IBKR_HOST, IBKR_PORT, IBKR_CLIENT_ID,
 * IBKR_ACCOUNT).
 */
import type { BarFeed } from "../../feed/types.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import type { TradingConfig } from "../../schema.js";
import type { Broker } from "../types.js";
import { IbkrBroker } from "./broker.js";
import { IbConnection } from "./connection.js";
import { contractBook } from "./contracts.js";
import { resolveEndpoint } from "./endpoint.js";
import { IbkrBarFeed } from "./feed.js";

function connection(cfg: TradingConfig, host: string, port: number, clientId: number, log: LoopLog): IbConnection {
  const ib = cfg.ibkr;
  return new IbConnection({ host, port, clientId, connectTimeoutMs: ib.connect_timeout_ms, reconnect: { baseMs: ib.reconnect.base_ms, maxMs: ib.reconnect.max_ms, retries: ib.reconnect.retries }, heartbeatMs: ib.heartbeat_ms, log });
}

/** Connects to TWS / IB Gateway and loads its book of our orders and today's fills. */
export async function createIbkrBroker(cfg: TradingConfig, env: NodeJS.ProcessEnv, log: LoopLog): Promise<Broker> {
  const ep = resolveEndpoint(cfg.ibkr, env);
  const broker = new IbkrBroker({ cfg, ibkr: cfg.ibkr, conn: connection(cfg, ep.host, ep.port, ep.clientId, log), contracts: contractBook(cfg.ibkr), account: ep.account, log });
  try {
    await broker.start();
  } catch (e) {
    await broker.close();
    throw e;
  }
  return broker;
}

/** Bars through reqHistoricalData, on a connection of its own (client id + 1 by default); connects at the first request. */
export function createIbkrFeed(cfg: TradingConfig, env: NodeJS.ProcessEnv, log: LoopLog): BarFeed {
  const ep = resolveEndpoint(cfg.ibkr, env);
  const clientId = cfg.ibkr.feed_client_id ?? ep.clientId + 1;
  return new IbkrBarFeed(connection(cfg, ep.host, ep.port, clientId, log), contractBook(cfg.ibkr), cfg.ibkr, log);
}
