/**
 * The fake's trade-updates WebSocket (path /stream), as Alpaca's: the client sends
 * {"action":"authenticate","data":{"key_id","secret_key"}} and gets
 * {"stream":"authorization","data":{"status":"authorized"|"unauthorized","action":"authenticate"}},
 * then {"action":"listen","data":{"streams":["trade_updates"]}} acknowledged on the `listening`
 * stream; trade updates follow as {"stream":"trade_updates","data":{...}}. Frames are binary, as
 * the paper endpoint sends them.
 *
 * Faults: duplicate fill events, hold fill events to release them later (reversed: out of order),
 * lose the next n fill events, drop every socket, refuse new connections.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { TradeUpdateData } from "./book.js";

export interface StreamFaults {
  /** Every fill / partial_fill event is sent twice. */
  duplicateFills: boolean;
  /** Fill events are held until `releaseHeld`. */
  holdFills: boolean;
  /** The next n fill events are never sent (lost, the socket stays up). */
  loseFills: number;
  /** New connections are refused with HTTP 503. */
  refuse: boolean;
}

interface Client {
  ws: WebSocket;
  authed: boolean;
  listening: boolean;
}

const isFill = (u: TradeUpdateData) => u.event === "fill" || u.event === "partial_fill";

export class FakeTradeStream {
  readonly faults: StreamFaults = { duplicateFills: false, holdFills: false, loseFills: 0, refuse: false };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<Client>();
  private readonly held: TradeUpdateData[] = [];
  /** Every frame sent, for assertions. */
  readonly sent: TradeUpdateData[] = [];
  connections = 0;

  constructor(private readonly keys: { keyId: string; secret: string }) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.faults.refuse) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.connections++;
    const c: Client = { ws, authed: false, listening: false };
    this.clients.add(c);
    ws.on("close", () => this.clients.delete(c));
    ws.on("error", () => this.clients.delete(c));
    ws.on("message", (raw) => {
      let msg: { action?: string; data?: { key_id?: string; secret_key?: string; streams?: unknown } };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        this.send(c, { stream: "listening", data: { error: "invalid syntax" } });
        return;
      }
      if (msg.action === "authenticate") {
        const ok = msg.data?.key_id === this.keys.keyId && msg.data?.secret_key === this.keys.secret;
        this.send(c, { stream: "authorization", data: { action: "authenticate", status: ok ? "authorized" : "unauthorized" } });
        if (ok) c.authed = true;
        else ws.close();
      } else if (msg.action === "listen") {
        if (!c.authed) {
          this.send(c, { stream: "authorization", data: { action: "listen", status: "unauthorized" } });
          ws.close();
          return;
        }
        const streams = Array.isArray(msg.data?.streams) ? msg.data.streams.filter((s) => s === "trade_updates") : [];
        c.listening = streams.length > 0;
        this.send(c, { stream: "listening", data: { streams } });
      }
    });
  }

  private send(c: Client, frame: unknown): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(Buffer.from(JSON.stringify(frame)), { binary: true });
  }

  /** Sends a trade update to every listening client, through the fault settings. */
  publish(u: TradeUpdateData): void {
    if (isFill(u)) {
      if (this.faults.loseFills > 0) {
        this.faults.loseFills--;
        return;
      }
      if (this.faults.holdFills) {
        this.held.push(u);
        return;
      }
    }
    this.broadcast(u);
    if (isFill(u) && this.faults.duplicateFills) this.broadcast(u);
  }

  private broadcast(u: TradeUpdateData): void {
    this.sent.push(u);
    for (const c of this.clients) if (c.listening) this.send(c, { stream: "trade_updates", data: u });
  }

  /** Sends the held fill events (newest first with `reverse`: out of order). */
  releaseHeld(o: { reverse?: boolean } = {}): void {
    this.faults.holdFills = false;
    const batch = this.held.splice(0);
    if (o.reverse) batch.reverse();
    for (const u of batch) this.broadcast(u);
  }

  /** Sends any frame to every listening client (e.g. an `{"action":"error"}` frame). */
  sendRaw(frame: unknown): void {
    for (const c of this.clients) if (c.listening) this.send(c, frame);
  }

  /** Cuts every socket without a close handshake. */
  dropAll(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
  }

  get listeners(): number {
    return [...this.clients].filter((c) => c.listening).length;
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
