/**
 * The live loop's bars from Alpaca's market data (GET /v2/stocks/bars, all symbols in one request,
 * paged by next_page_token), on the configured feed (iex / sip), timeframe and adjustment. Only
 * bars that have closed are returned: a bar stamped t closes at t + one interval, so the bar still
 * forming is never handed to the model.
 */
import { INTERVAL_MS, type StandardInterval } from "../../../data/types.js";
import type { BarFeed, LiveBar } from "../../feed/types.js";
import type { AlpacaRest } from "./rest.js";
import type { AlpacaConfig } from "./schema.js";

/** Our interval names -> Alpaca timeframes. */
export const ALPACA_TIMEFRAME: Record<StandardInterval, string> = {
  "1m": "1Min",
  "5m": "5Min",
  "15m": "15Min",
  "30m": "30Min",
  "1h": "1Hour",
  "4h": "4Hour",
  "1d": "1Day",
  "1w": "1Week",
};

/** Largest page Alpaca serves. */
const MAX_PAGE = 10_000;

interface RawBar {
  t: string | Date;
  o: number | string;
  h: number | string;
  l: number | string;
  c: number | string;
  v: number | string;
}

export class AlpacaBarFeed implements BarFeed {
  readonly name = "alpaca";

  constructor(
    private readonly rest: AlpacaRest,
    private readonly cfg: AlpacaConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async barsAfter(symbols: readonly string[], after: number, limit: number): Promise<LiveBar[]> {
    if (symbols.length === 0 || !(limit > 0)) return [];
    const barMs = INTERVAL_MS[this.cfg.timeframe];
    const closedBy = this.now();
    const wanted = new Set(symbols);
    const per = new Map<string, LiveBar[]>(symbols.map((s) => [s, []]));
    const tokens = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const page = await this.rest.call("GET /v2/stocks/bars", () =>
        this.rest.stocks.stockBars({
          symbols: symbols.join(","),
          timeframe: ALPACA_TIMEFRAME[this.cfg.timeframe],
          start: new Date(after + 1),
          limit: Math.min(MAX_PAGE, limit * symbols.length),
          adjustment: this.cfg.adjustment,
          feed: this.cfg.feed,
          sort: "asc",
          ...(pageToken === undefined ? {} : { pageToken }),
        }),
      );
      for (const [symbol, bars] of Object.entries((page.bars ?? {}) as Record<string, RawBar[]>)) {
        const list = per.get(symbol);
        if (list === undefined || !wanted.has(symbol)) continue;
        for (const b of bars) {
          const time = b.t instanceof Date ? b.t.getTime() : Date.parse(b.t);
          if (!(time > after) || time + barMs > closedBy || list.length >= limit) continue;
          list.push({ symbol, time, open: Number(b.o), high: Number(b.h), low: Number(b.l), close: Number(b.c), volume: Number(b.v) });
        }
      }
      pageToken = page.nextPageToken ?? undefined;
      const full = [...per.values()].every((l) => l.length >= limit);
      if (pageToken === undefined || pageToken === "" || full || tokens.has(pageToken)) break;
      tokens.add(pageToken);
    }
    const out = [...per.values()].flat();
    return out.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async close(): Promise<void> {}
}
