/**
 * One logical connection to TWS / IB Gateway that survives the socket: it connects (startApi,
 * then waits for managedAccounts and nextValidId), and when the socket drops (the nightly reset,
 * a Gateway restart, a network cut) it reconnects with the jittered backoff of backoff.ts until it
 * succeeds or the configured retries run out. Error 1100 (TWS lost its link to IB) marks the
 * connection not ready until 1101 / 1102 say the link is back.
 *
 * Every attempt gets a fresh IBApi: @stoqey/ib buffers commands issued while paused and sends them
 * after the next nextValidId, so reusing one instance could replay a placeOrder of a dead session
 * on the new one (the connector re-places in-flight orders itself, once, after checking TWS's book).
 * Listeners registered with `on` are attached to each instance; events of a replaced instance are
 * ignored.
 *
 * `up` is emitted after every (re)connection and every restored link, `down` when the socket or
 * the link is lost; the broker resynchronises on `up`.
 */
import { EventEmitter } from "node:events";
import { EventName, IBApi } from "@stoqey/ib";
import { FoxmlError } from "../../../util/errors.js";
import { withRetry, type BackoffOptions } from "../backoff.js";
import type { LoopLog } from "../../loop/trading-loop.js";

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: number;
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  /** Every this many ms a ready session asks TWS the time; no answer by the next beat = a dead socket (0 = off). */
  heartbeatMs?: number;
  log: LoopLog;
}

export type ConnectionState = "connecting" | "ready" | "link_down" | "down" | "closed" | "failed";

/** A request or wait cut off by a lost connection: worth retrying once it is back. */
export class IbDisconnectedError extends FoxmlError {
  constructor(message: string) {
    super(message, { exitCode: 1 });
    this.name = "IbDisconnectedError";
  }
}

type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

// 2110 ("connectivity between TWS and server is broken") is not waited on: it is not always followed by 1101 / 1102.
const LINK_LOST = new Set([1100]);
const LINK_RESTORED = new Set([1101, 1102]);

export class IbConnection extends EventEmitter {
  state: ConnectionState = "down";
  accounts: string[] = [];
  private api: IBApi | undefined;
  private generation = 0;
  private readonly ibListeners: Array<[EventName, Listener]> = [];
  private nextId = 0;
  private reconnecting = false;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private beatAnswered = true;

  constructor(private readonly o: ConnectionOptions) {
    super();
  }

  /** The current IBApi, only while ready. */
  get ib(): IBApi {
    if (this.api === undefined || this.state !== "ready") throw new IbDisconnectedError(`IBKR: not connected to ${this.o.host}:${this.o.port}`);
    return this.api;
  }

  /** A fresh order id (ids only grow: TWS refuses one at or below an id it has seen). */
  orderId(): number {
    return this.nextId++;
  }

  /** Adds a TWS event listener to this and every later IBApi instance. */
  onIb(event: EventName, fn: Listener): void {
    this.ibListeners.push([event, fn]);
    if (this.api !== undefined) emitterOf(this.api).on(event, this.guard(this.generation, fn));
  }

  private guard(gen: number, fn: Listener): Listener {
    return (...args) => {
      if (gen === this.generation) fn(...args);
    };
  }

  /** Connects, retrying with backoff; rejects when every attempt failed. */
  async open(): Promise<void> {
    await this.connectWithRetry("connect");
  }

  private async connectWithRetry(why: string): Promise<void> {
    this.state = "connecting";
    try {
      await withRetry(() => this.attempt(), this.o.reconnect, {
        retryable: (e) => this.state !== "closed" && !(e instanceof ClosedError),
        onRetry: (e, attempt, delayMs) => this.o.log.warn("IBKR: connection attempt failed; retrying", { why, attempt: attempt + 1, delay_ms: delayMs, error: (e as Error).message }),
      });
    } catch (e) {
      if ((this.state as ConnectionState) !== "closed") this.state = "failed";
      this.emit("failed", e);
      throw e instanceof ClosedError ? new IbDisconnectedError("IBKR: connection closed") : new FoxmlError(`IBKR: could not connect to ${this.o.host}:${this.o.port} (client id ${this.o.clientId}): ${(e as Error).message}`, { exitCode: 1, hint: "start TWS or IB Gateway, enable API socket clients (Configure > API > Settings) and check host, port and client id (pipeline.trading.ibkr)" });
    }
  }

  private attempt(): Promise<void> {
    if (this.state === "closed") return Promise.reject(new ClosedError());
    this.retire();
    const gen = ++this.generation;
    const api = new IBApi({ host: this.o.host, port: this.o.port, clientId: this.o.clientId });
    for (const [event, fn] of this.ibListeners) emitterOf(api).on(event, this.guard(gen, fn));
    this.api = api;
    return new Promise<void>((resolve, reject) => {
      let accounts: string[] | undefined;
      let nextId: number | undefined;
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.retire();
        reject(new IbDisconnectedError(why));
      };
      const done = () => {
        if (settled || accounts === undefined || nextId === undefined) return;
        settled = true;
        clearTimeout(timer);
        this.accounts = accounts;
        this.nextId = Math.max(this.nextId, nextId);
        this.state = "ready";
        this.o.log.info("IBKR: connected", { host: this.o.host, port: this.o.port, client_id: this.o.clientId, server_version: api.serverVersion, accounts });
        resolve();
        this.startHeartbeat(api, gen);
        this.emit("up", { reason: "connected" });
      };
      const timer = setTimeout(() => fail(`no nextValidId within ${this.o.connectTimeoutMs} ms`), this.o.connectTimeoutMs);
      timer.unref?.();
      api.on(EventName.managedAccounts, (list: string) => {
        if (gen !== this.generation) return;
        accounts = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
        done();
      });
      api.on(EventName.nextValidId, (id: number) => {
        if (gen !== this.generation) return;
        // Later nextValidId answers (reqIds) only move the counter forward.
        this.nextId = Math.max(this.nextId, id);
        if (nextId === undefined) {
          nextId = id;
          done();
        }
      });
      api.on(EventName.error, (err: Error, code: number, reqId: number) => {
        if (gen !== this.generation) return;
        if (!settled && (code === 502 || code === 326 || code === 504)) fail(`${err.message} (code ${code})`);
        else this.notice(code, err.message, reqId);
      });
      api.on(EventName.currentTime, () => {
        if (gen === this.generation) this.beatAnswered = true;
      });
      api.on(EventName.info, (msg: string, code: number) => {
        if (gen === this.generation) this.notice(code, msg);
      });
      api.on(EventName.disconnected, () => {
        if (gen !== this.generation) return;
        if (!settled) return fail("socket closed during the handshake");
        this.lost("socket closed");
      });
      api.connect();
    });
  }

  /** Connectivity notices (id -1): 1100 link lost, 1101 / 1102 restored; other errors are logged (2100-2199 are status notes). */
  private notice(code: number, msg: string, reqId?: number): void {
    if (!LINK_LOST.has(code) && !LINK_RESTORED.has(code)) {
      // 502 / 504: the client's own socket (reset, not connected); a close follows and is handled there.
      if (code === 502 || code === 504) this.o.log.warn("IBKR: socket error", { code, message: msg });
      else if ((reqId === undefined || reqId < 0) && !(code >= 2100 && code < 2200)) this.o.log.warn("IBKR: TWS error", { code, message: msg });
      return;
    }
    if (LINK_LOST.has(code) && this.state === "ready") {
      this.state = "link_down";
      this.o.log.warn("IBKR: TWS lost its connection to IB; orders wait until it is restored", { code, message: msg });
      this.emit("down", { reason: `error ${code}` });
    } else if (LINK_RESTORED.has(code) && this.state === "link_down") {
      this.state = "ready";
      this.o.log.info("IBKR: connection to IB restored", { code, data_lost: code === 1101 });
      this.emit("up", { reason: `error ${code}` });
    }
  }

  private lost(why: string): void {
    if (this.state === "closed") return;
    this.o.log.warn("IBKR: connection lost; reconnecting", { why });
    this.state = "down";
    this.retire();
    this.emit("down", { reason: why });
    if (this.reconnecting) return;
    this.reconnecting = true;
    this.connectWithRetry("reconnect")
      .catch((e) => this.o.log.warn("IBKR: gave up reconnecting", { error: (e as Error).message }))
      .finally(() => {
        this.reconnecting = false;
      });
  }

  /**
   * A socket can die without a close (a NAT or firewall dropping an idle connection): TWS then never
   * answers again. A ready session that leaves one reqCurrentTime unanswered until the next beat is
   * treated as lost and reconnected.
   */
  private startHeartbeat(api: IBApi, gen: number): void {
    const every = this.o.heartbeatMs ?? 0;
    if (every <= 0) return;
    this.beatAnswered = true;
    this.heartbeat = setInterval(() => {
      if (gen !== this.generation) return;
      if (this.state !== "ready") return; // during 1100 TWS is up but IB is not; the socket is still watched by TCP
      if (!this.beatAnswered) {
        this.o.log.warn("IBKR: no answer to the heartbeat; the connection is dead, reconnecting", { heartbeat_ms: every });
        return this.lost("heartbeat unanswered");
      }
      this.beatAnswered = false;
      api.reqCurrentTime();
    }, every);
    this.heartbeat.unref?.();
  }

  /** Drops the current instance (its buffered commands die with it). */
  private retire(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const api = this.api;
    if (api === undefined) return;
    this.api = undefined;
    this.generation++;
    api.removeAllListeners();
    api.on(EventName.error, () => undefined);
    try {
      api.disconnect();
    } catch {
      // already down
    }
  }

  /** Resolves when ready; rejects after `timeoutMs`, or when the connection is closed or gave up. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.state === "ready") return Promise.resolve();
    if (this.state === "closed") return Promise.reject(new IbDisconnectedError("IBKR: connection closed"));
    if (this.state === "failed") return Promise.reject(new FoxmlError(`IBKR: not connected (reconnecting gave up)`, { exitCode: 1 }));
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off("up", onUp);
        this.off("failed", onFail);
        this.off("closed", onFail);
      };
      const onUp = () => {
        cleanup();
        resolve();
      };
      const onFail = () => {
        cleanup();
        reject(new IbDisconnectedError("IBKR: connection closed or reconnecting gave up"));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new IbDisconnectedError(`IBKR: not connected within ${timeoutMs} ms (state ${this.state})`));
      }, timeoutMs);
      timer.unref?.();
      this.on("up", onUp);
      this.on("failed", onFail);
      this.on("closed", onFail);
    });
  }

  close(): void {
    this.state = "closed";
    this.retire();
    this.emit("closed");
  }
}

class ClosedError extends Error {}

/** IBApi's overloads type each event; the connector registers listeners generically. */
export const emitterOf = (api: IBApi): EventEmitter => api as unknown as EventEmitter;
