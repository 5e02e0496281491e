/**
 * Snapshot requests to TWS: send one request and collect its answers until its end marker
 * (openOrderEnd, execDetailsEnd, positionEnd, accountSummaryEnd, the historicalData "finished"
 * row). Each waits at most `timeoutMs` and fails at once when the connection drops, with an
 * IbDisconnectedError the broker retries after the reconnect.
 *
 * Open orders and executions are not collected here: their rows flow through the broker's
 * standing listeners (the same path as live updates), so a snapshot only waits for the end.
 */
import { EventName, type Contract } from "@stoqey/ib";
import { FoxmlError } from "../../../util/errors.js";
import { emitterOf, IbDisconnectedError, type IbConnection } from "./connection.js";
import { filterTimeText } from "./ib-time.js";

export interface IbPositionRow {
  account: string;
  contract: Contract;
  position: number;
  avgCost: number;
}

export interface IbBarRow {
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export class IbRequests {
  /** Request ids share the error callback's id field with order ids: kept far above any order id TWS hands out. */
  private reqId = 1_000_000_000;
  /** One positions / open orders request at a time: they carry no request id. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly conn: IbConnection,
    private readonly timeoutMs: number,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Registers `handlers` on the current IBApi, runs `send`, and resolves with `finish()` when
   * `isEnd` says the end marker arrived.
   */
  private collect<T>(what: string, handlers: Array<[EventName, (...a: any[]) => boolean | void]>, send: () => void, finish: () => T): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const ib = emitterOf(this.conn.ib);
    return new Promise<T>((resolve, reject) => {
      const wrapped = handlers.map(([e, fn]) => [e, (...a: unknown[]) => (fn(...a) === true ? end() : undefined)] as const);
      const cleanup = () => {
        clearTimeout(timer);
        for (const [e, fn] of wrapped) ib.off(e, fn);
        this.conn.off("down", onDown);
      };
      const end = () => {
        cleanup();
        try {
          resolve(finish());
        } catch (e) {
          reject(e);
        }
      };
      const onDown = () => {
        cleanup();
        reject(new IbDisconnectedError(`IBKR: connection lost while waiting for ${what}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new FoxmlError(`IBKR: no answer to ${what} within ${this.timeoutMs} ms`, { exitCode: 1, hint: "TWS / IB Gateway may be busy or its API read-only (Configure > API > Settings: uncheck Read-Only API)" }));
      }, this.timeoutMs);
      timer.unref?.();
      for (const [e, fn] of wrapped) ib.on(e, fn);
      this.conn.on("down", onDown);
      send();
    });
  }

  /** Every open order of the account (all clients): rows arrive through the standing listeners. */
  openOrders(): Promise<void> {
    return this.serial(() =>
      this.collect("reqAllOpenOrders", [[EventName.openOrderEnd, () => true]], () => this.conn.ib.reqAllOpenOrders(), () => undefined),
    );
  }

  /** Orders TWS completed (filled, cancelled, rejected) that it still lists: rows arrive through the standing listeners. */
  completedOrders(): Promise<void> {
    return this.serial(() =>
      this.collect("reqCompletedOrders", [[EventName.completedOrdersEnd, () => true]], () => this.conn.ib.reqCompletedOrders(true), () => undefined),
    );
  }

  /** Today's executions of `account` (at or after `since` when given): rows arrive through the standing listeners. */
  executions(account: string, since?: number): Promise<void> {
    const id = this.reqId++;
    const filter = { acctCode: account, ...(since === undefined ? {} : { time: filterTimeText(since) }) };
    return this.collect(
      "reqExecutions",
      [[EventName.execDetailsEnd, (reqId: number) => reqId === id]],
      () => this.conn.ib.reqExecutions(id, filter),
      () => undefined,
    );
  }

  positions(): Promise<IbPositionRow[]> {
    return this.serial(() => {
      const rows: IbPositionRow[] = [];
      return this.collect(
        "reqPositions",
        [
          [EventName.position, (account: string, contract: Contract, position: number, avgCost: number) => void rows.push({ account, contract, position, avgCost })],
          [EventName.positionEnd, () => true],
        ],
        () => this.conn.ib.reqPositions(),
        () => {
          this.conn.ib.cancelPositions();
          return rows;
        },
      );
    });
  }

  /** Tag -> {value, currency} of one account. */
  accountSummary(account: string, tags: readonly string[]): Promise<Map<string, { value: string; currency: string }>> {
    const id = this.reqId++;
    const out = new Map<string, { value: string; currency: string }>();
    return this.collect(
      "reqAccountSummary",
      [
        [
          EventName.accountSummary,
          (reqId: number, acct: string, tag: string, value: string, currency: string) => {
            if (reqId === id && acct === account) out.set(tag, { value, currency });
          },
        ],
        [EventName.accountSummaryEnd, (reqId: number) => reqId === id],
      ],
      () => this.conn.ib.reqAccountSummary(id, "All", tags.join(",")),
      () => {
        this.conn.ib.cancelAccountSummary(id);
        return out;
      },
    );
  }

  /** Historical bars; an error for the request (e.g. no security definition, no permissions) rejects. */
  history(contract: Contract, bars: { endTime: string; duration: string; barSize: string; whatToShow: string; useRth: boolean }): Promise<IbBarRow[]> {
    const id = this.reqId++;
    const rows: IbBarRow[] = [];
    let failure: FoxmlError | undefined;
    return this.collect(
      "reqHistoricalData",
      [
        [
          EventName.historicalData,
          (reqId: number, time: string, open: number, high: number, low: number, close: number, volume: number) => {
            if (reqId !== id) return false;
            if (time.startsWith("finished")) return true;
            rows.push({ time, open, high, low, close, volume });
            return false;
          },
        ],
        [
          EventName.error,
          (err: Error, code: number, reqId: number) => {
            if (reqId !== id) return false;
            failure = new FoxmlError(`IBKR: historical data for ${contract.symbol} (${contract.secType}) refused: ${err.message} (code ${code})`, { exitCode: 1, hint: code === 162 || code === 354 ? "check the market data subscriptions of the account" : "check the contract under pipeline.trading.ibkr" });
            return true;
          },
        ],
      ],
      // formatDate 2: bar times as epoch seconds, whatever TWS's time zone.
      () => this.conn.ib.reqHistoricalData(id, contract, bars.endTime, bars.duration, bars.barSize as never, bars.whatToShow as never, bars.useRth ? 1 : 0, 2, false),
      () => {
        if (failure !== undefined) throw failure;
        return rows;
      },
    );
  }
}
