/**
 * Bars from IBKR (reqHistoricalData), as the live loop's BarFeed. Each call asks, per symbol, for
 * the configured duration back from now and keeps the bars after `after` that have closed (IB's
 * last bar is the one still forming). FX (CASH) has no trades, so TRADES is asked as MIDPOINT for
 * it. Daily bars are stamped at 00:00 UTC of their date (the engine's convention); intraday bars
 * come as epoch seconds (formatDate 2). Volume IB does not report (-1, e.g. MIDPOINT) is NaN.
 *
 * The feed has its own connection, client id `client_id + 1` unless `feed_client_id` says
 * otherwise, since two sessions with one client id are refused by TWS (error 326).
 */
import { FoxmlError } from "../../../util/errors.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import type { BarFeed, LiveBar } from "../../feed/types.js";
import type { IbConnection } from "./connection.js";
import type { ContractBook } from "./contracts.js";
import { IbRequests } from "./requests.js";
import type { IbkrConfig } from "./schema.js";

const UNIT_MS: Record<string, number> = { sec: 1_000, secs: 1_000, min: 60_000, mins: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

/** Length of one bar of an IB bar size setting ("5 mins", "1 day"). */
export function barSizeMs(setting: string): number {
  const m = /^(\d+)\s+(secs?|mins?|hours?|day|week|month)$/.exec(setting.trim());
  if (m === null) throw new FoxmlError(`IBKR: unknown bar size ${JSON.stringify(setting)} (pipeline.trading.ibkr.bars.bar_size)`, { exitCode: 2, hint: "use one of IB's settings, e.g. '1 min', '5 mins', '1 hour', '1 day'" });
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Epoch ms of an IB bar time: "yyyymmdd" for daily and longer bars, epoch seconds otherwise. */
export function barTime(text: string): number {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (d !== null) return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
  const n = Number(text);
  if (!Number.isFinite(n)) throw new FoxmlError(`IBKR: unreadable bar time ${JSON.stringify(text)}`, { exitCode: 1 });
  return n * 1000;
}

export class IbkrBarFeed implements BarFeed {
  readonly name = "ibkr";
  private readonly req: IbRequests;
  private opened: Promise<void> | undefined;

  constructor(
    private readonly conn: IbConnection,
    private readonly contracts: ContractBook,
    private readonly cfg: IbkrConfig,
    private readonly log: LoopLog,
    private readonly now: () => number = Date.now,
  ) {
    this.req = new IbRequests(conn, cfg.request_timeout_ms);
  }

  private async ready(): Promise<void> {
    // A failed first connection is tried again at the next call, not remembered.
    this.opened ??= this.conn.open().catch((e: unknown) => {
      this.opened = undefined;
      throw e;
    });
    await this.opened;
    await this.conn.whenReady(this.cfg.request_timeout_ms);
  }

  async barsAfter(symbols: readonly string[], after: number, limit: number): Promise<LiveBar[]> {
    const contracts = symbols.map((s) => [s, this.contracts.contract(s)] as const);
    await this.ready();
    const barMs = barSizeMs(this.cfg.bars.bar_size);
    const now = this.now();
    const out: LiveBar[] = [];
    for (const [symbol, contract] of contracts) {
      const whatToShow = String(contract.secType) === "CASH" && this.cfg.bars.what_to_show === "TRADES" ? "MIDPOINT" : this.cfg.bars.what_to_show;
      const rows = await this.req.history(contract, { endTime: "", duration: this.cfg.bars.duration, barSize: this.cfg.bars.bar_size, whatToShow, useRth: this.cfg.bars.use_rth });
      const bars = rows
        .map((r) => ({ symbol, time: barTime(r.time), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume === undefined || r.volume < 0 ? NaN : r.volume }))
        .filter((b) => b.time > after && b.time + barMs <= now)
        .sort((a, b) => a.time - b.time)
        .slice(0, limit);
      if (rows.length > 0 && bars.length === 0) this.log.info("IBKR: no closed bar after the last one yet", { symbol, after });
      out.push(...bars);
    }
    return out.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}
