/** The three hosts the connector talks to, from `pipeline.trading.alpaca`. */
import { marketData, streaming, trading } from "@alpacahq/alpaca-trade-api";
import type { AlpacaConfig } from "./schema.js";

export interface AlpacaEndpoints {
  trading: string;
  data: string;
  stream: string;
  live: boolean;
}

const trimSlash = (u: string) => u.replace(/\/+$/, "");

export function resolveEndpoints(cfg: AlpacaConfig): AlpacaEndpoints {
  const live = !cfg.paper;
  const tradingUrl = trimSlash(cfg.base_url ?? (live ? trading.TRADING_LIVE_HOST : trading.TRADING_PAPER_HOST));
  const stream =
    cfg.stream_url ??
    (cfg.base_url !== null ? `${tradingUrl.replace(/^http/, "ws")}/stream` : live ? streaming.TRADING_STREAM_LIVE : streaming.TRADING_STREAM_PAPER);
  return { trading: tradingUrl, data: trimSlash(cfg.data_url ?? marketData.MARKET_DATA_HOST), stream, live };
}
