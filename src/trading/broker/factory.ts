/**
 * The broker and bar feed of a live loop, chosen by name. `paper` fills against the feed's bars
 * (its book in the state folder); `alpaca` and `ibkr` come from their connectors, which read their
 * keys and endpoints from the environment and the config only. A file feed (`--data FILE`) can
 * stand in for any broker's market data.
 */
import { join } from "node:path";
import { InputError } from "../../util/errors.js";
import { FileBarFeed } from "../feed/file.js";
import type { BarFeed } from "../feed/types.js";
import type { LoopLog } from "../loop/trading-loop.js";
import type { TradingConfig } from "../schema.js";
import { createAlpacaBroker, createAlpacaFeed } from "./alpaca/index.js";
import { createIbkrBroker, createIbkrFeed } from "./ibkr/index.js";
import { PaperBroker } from "./paper.js";
import type { Broker } from "./types.js";

export const BROKER_NAMES = ["paper", "alpaca", "ibkr"] as const;
export type BrokerName = (typeof BROKER_NAMES)[number];

interface Connector {
  broker(cfg: TradingConfig, env: NodeJS.ProcessEnv, log: LoopLog): Promise<Broker>;
  feed(cfg: TradingConfig, env: NodeJS.ProcessEnv, log: LoopLog): BarFeed;
}

const CONNECTORS: Record<Exclude<BrokerName, "paper">, Connector> = {
  alpaca: { broker: createAlpacaBroker, feed: createAlpacaFeed },
  ibkr: { broker: createIbkrBroker, feed: createIbkrFeed },
};

export interface VenueOptions {
  cfg: TradingConfig;
  env: NodeJS.ProcessEnv;
  log: LoopLog;
  /** The loop's state folder (the paper broker's book lives there). */
  stateDir: string;
  symbols: readonly string[];
  /** A file the user's own feed appends bars to; required for paper, optional otherwise. */
  feedFile?: string;
  /** Minutes east of UTC of offset-less timestamps in the feed file. */
  naiveOffsetMinutes: number;
}

export interface Venue {
  broker: Broker;
  feed: BarFeed;
  /** Set when the broker is the paper broker: the loop advances it with each bar. */
  paper: PaperBroker | null;
}

export function isBrokerName(name: string): name is BrokerName {
  return (BROKER_NAMES as readonly string[]).includes(name);
}

export async function createVenue(name: BrokerName, o: VenueOptions): Promise<Venue> {
  const file = o.feedFile === undefined ? null : new FileBarFeed({ path: o.feedFile, timestamps: { naiveOffsetMinutes: o.naiveOffsetMinutes, epochUnit: "auto" } });
  if (name === "paper") {
    if (file === null) throw new InputError("--broker paper trades live on a bar file: give --data FILE", "the CSV (or Parquet) file your own feed appends bars to; or use --replay to trade history");
    const paper = new PaperBroker({ path: join(o.stateDir, "paper-broker.sqlite"), symbols: o.symbols, initialCash: o.cfg.initial_cash, fill: o.cfg.fill, lot: o.cfg.lot_size, synchronous: o.cfg.journal.synchronous });
    return { broker: paper, feed: file, paper };
  }
  const connector = CONNECTORS[name];
  const broker = await connector.broker(o.cfg, o.env, o.log);
  return { broker, feed: file ?? connector.feed(o.cfg, o.env, o.log), paper: null };
}
