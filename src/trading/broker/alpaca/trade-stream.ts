/**
 * The trade-updates WebSocket (the SDK's TradingStream: authenticate, listen to trade_updates),
 * one per endpoint and key, shared by the brokers using that key (`acquireStream`), kept open by
 * our own reconnect loop: the SDK's reconnect is
 * off so that reconnects use the shared jittered backoff (backoff.ts) and so that the broker
 * learns of every reconnect before any new event, to recover the fills the gap swallowed.
 *
 * Each attempt is a fresh TradingStream that must be authorized and listening within
 * connect_timeout_ms. A refused key is not retried (an InputError); a closed or silent socket is.
 * After a drop the loop retries in rounds of `reconnect_retries` and never gives up while open.
 */
import { streaming } from "@alpacahq/alpaca-trade-api";
import { withRetry } from "../backoff.js";
import type { Rng } from "../../../util/random.js";
import { FoxmlError, InputError } from "../../../util/errors.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import type { AlpacaCredentials } from "./credentials.js";
import type { AlpacaConfig } from "./schema.js";

type TradeUpdate = streaming.TradeUpdate;

export interface TradeStreamOptions {
  url: string;
  creds: AlpacaCredentials;
  cfg: AlpacaConfig["stream"];
  log: LoopLog;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: Rng;
}

/** One user of a stream (a broker). */
export interface StreamSubscriber {
  onUpdate(u: TradeUpdate): void;
  /** Told after every reconnect (authorized and listening again); `downSince` is when the drop was noticed. */
  onReconnected(downSince: number): void;
}

class StreamDropped extends Error {}

export class TradeStream {
  readonly subscribers = new Set<StreamSubscriber>();
  private current: streaming.TradingStream | undefined;
  private closed = false;
  private reconnecting: Promise<void> | undefined;
  /** Connections made (1 after the first); a test reads it. */
  connections = 0;

  constructor(private readonly o: TradeStreamOptions) {}

  /** Connects for the first time; rejects if no attempt of the first round succeeds. */
  async start(): Promise<void> {
    try {
      await this.connectWithRetry();
    } catch (error) {
      if (error instanceof FoxmlError) throw error;
      throw new FoxmlError(`alpaca: could not open the trade-updates stream at ${this.o.url}: ${this.o.creds.masker.mask(error instanceof Error ? error.message : String(error))}`, {
        exitCode: 1,
        hint: "check pipeline.trading.alpaca.stream_url (or base_url) and the network",
      });
    }
  }

  private connectWithRetry(): Promise<void> {
    const { cfg } = this.o;
    return withRetry(
      () => this.connectOnce(),
      { baseMs: cfg.reconnect_base_ms, maxMs: cfg.reconnect_max_ms, retries: cfg.reconnect_retries },
      {
        retryable: (e) => !(e instanceof FoxmlError) && !this.closed,
        onRetry: (e, attempt, delayMs) =>
          this.o.log.warn("alpaca: trade-updates stream connect failed, retrying", { attempt: attempt + 1, delay_ms: delayMs, error: this.o.creds.masker.mask(e instanceof Error ? e.message : String(e)) }),
        sleep: this.o.sleep,
        random: this.o.random,
      },
    );
  }

  /** One attempt: resolves once authorized and listening, rejects when the socket closes first or stays silent. */
  private connectOnce(): Promise<void> {
    if (this.closed) return Promise.reject(new FoxmlError("alpaca: the broker is closed", { exitCode: 1 }));
    const { creds } = this.o;
    const s = new streaming.TradingStream({
      credentials: { keyId: creds.keyId, secret: creds.secret },
      url: this.o.url,
      reconnect: false,
      pingIntervalMs: this.o.cfg.ping_interval_ms,
    });
    return new Promise<void>((resolve, reject) => {
      let listening = false;
      const timer = setTimeout(() => {
        if (listening) return;
        s.removeAllListeners();
        s.disconnect();
        reject(new StreamDropped(`not authorized and listening within ${this.o.cfg.connect_timeout_ms} ms`));
      }, this.o.cfg.connect_timeout_ms);
      s.onError((msg) => this.o.log.warn("alpaca: trade-updates stream error", { error: creds.masker.mask(String(msg)) }));
      s.onTradeUpdate((u) => {
        if (this.current === s) for (const sub of this.subscribers) sub.onUpdate(u);
      });
      s.on(streaming.EVENT.SUBSCRIPTION, (streams: unknown) => {
        if (listening) return;
        if (!Array.isArray(streams) || !streams.includes("trade_updates")) {
          clearTimeout(timer);
          s.removeAllListeners();
          s.disconnect();
          reject(new FoxmlError(`alpaca: the stream at ${this.o.url} did not grant trade_updates`, { exitCode: 1 }));
          return;
        }
        listening = true;
        clearTimeout(timer);
        if (this.closed) {
          // Closed while this attempt was in flight: no socket may outlive close().
          s.removeAllListeners();
          s.disconnect();
          reject(new FoxmlError("alpaca: the broker is closed", { exitCode: 1 }));
          return;
        }
        this.current = s;
        this.connections++;
        resolve();
      });
      s.onDisconnect(() => {
        if (listening) {
          if (this.current === s) this.dropped();
          return;
        }
        clearTimeout(timer);
        void s.whenAuthenticated().then((r) => {
          s.removeAllListeners();
          if (r.status === streaming.STREAM_AUTH_STATUS.SERVER_REJECTED) {
            reject(new InputError(`alpaca: the trade-updates stream refused the API key (${creds.masker.mask(r.message)})`, "check APCA_API_KEY_ID / APCA_API_SECRET_KEY and paper vs live"));
          } else reject(new StreamDropped("the socket closed before the stream was listening"));
        });
      });
      // Subscribed before connecting: the SDK sends `listen` as soon as the key is authorized.
      s.subscribeTradeUpdates();
      s.connect();
    });
  }

  private dropped(): void {
    const downSince = this.o.now();
    this.current?.removeAllListeners();
    this.current = undefined;
    if (this.closed || this.reconnecting !== undefined) return;
    this.o.log.warn("alpaca: trade-updates stream dropped, reconnecting", { url: this.o.url });
    this.reconnecting = (async () => {
      while (!this.closed) {
        try {
          await this.connectWithRetry();
          this.o.log.info("alpaca: trade-updates stream reconnected", { connections: this.connections });
          for (const sub of this.subscribers) sub.onReconnected(downSince);
          return;
        } catch (error) {
          if (this.closed) return;
          const text = this.o.creds.masker.mask(error instanceof Error ? error.message : String(error));
          if (error instanceof InputError) {
            // A refused key stays refused: fills are still read through fillsSince.
            this.o.log.warn("alpaca: trade-updates stream refused the key on reconnect; no more reconnects", { error: text });
            return;
          }
          this.o.log.warn("alpaca: trade-updates stream still down after a round of reconnects; trying again", { error: text });
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
    });
  }

  /** Resolves when no reconnect is in progress (tests wait on it). */
  async settled(): Promise<void> {
    while (this.reconnecting !== undefined) await this.reconnecting;
  }

  get connected(): boolean {
    return this.current !== undefined;
  }

  close(): void {
    this.closed = true;
    const s = this.current;
    this.current = undefined;
    s?.removeAllListeners();
    s?.disconnect();
  }
}

/**
 * Streams by endpoint and key: brokers opened with the same key share one socket (Alpaca's
 * trade-updates stream is per account, and a second connection only doubles the events). The
 * stream keeps the options (log, waits) of the broker that opened it.
 */
const shared = new Map<string, { stream: TradeStream; started: Promise<void>; users: number }>();

export interface StreamLease {
  stream: TradeStream;
  release(): void;
}

/** The stream of this endpoint and key, connected (opened if no broker holds it yet). */
export async function acquireStream(o: TradeStreamOptions, sub: StreamSubscriber): Promise<StreamLease> {
  const key = `${o.url}\n${o.creds.keyId}`;
  let entry = shared.get(key);
  if (entry === undefined) {
    const stream = new TradeStream(o);
    entry = { stream, started: stream.start(), users: 0 };
    shared.set(key, entry);
  }
  const e = entry;
  e.users++;
  e.stream.subscribers.add(sub);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    e.stream.subscribers.delete(sub);
    if (--e.users === 0) {
      shared.delete(key);
      e.stream.close();
    }
  };
  try {
    await e.started;
  } catch (error) {
    release();
    throw error;
  }
  return { stream: e.stream, release };
}
