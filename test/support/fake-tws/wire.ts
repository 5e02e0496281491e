/**
 * The TWS API socket framing, server side (the "V100+" protocol every TWS / IB Gateway since 9.72
 * speaks, and the only one @stoqey/ib offers by default):
 *
 *   client -> server, once:  "API\0" + int32 BE length + "v<min>..<max>"   (the version range)
 *   server -> client, once:  framed "<serverVersion>\0<connection time>\0"
 *   then both ways:          int32 BE length + tokens each terminated by "\0"
 *
 * The first token of every message is its message id.
 */
export type Tokens = string[];

export type Field = string | number | boolean | undefined | null;

/** One framed message from fields: numbers as decimal text, booleans as 1/0, absent as "". */
export function frame(fields: readonly Field[]): Buffer {
  const text = fields.map((f) => (f === undefined || f === null ? "" : typeof f === "boolean" ? (f ? "1" : "0") : String(f))).join("\0") + "\0";
  const body = Buffer.from(text, "utf8");
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Reassembles framed messages from a stream; the first chunk carries the version handshake. */
export class FrameReader {
  private buf = Buffer.alloc(0);
  private handshakeDone = false;

  constructor(
    private readonly onHandshake: (minVersion: number, maxVersion: number) => void,
    private readonly onMessage: (tokens: Tokens) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    if (!this.handshakeDone) {
      if (this.buf.length < 8) return;
      if (this.buf.subarray(0, 4).toString("latin1") !== "API\0") throw new Error(`fake TWS: expected "API\\0", got ${JSON.stringify(this.buf.subarray(0, 4).toString("latin1"))}`);
      const n = this.buf.readInt32BE(4);
      if (this.buf.length < 8 + n) return;
      const range = this.buf.subarray(8, 8 + n).toString("utf8");
      this.buf = this.buf.subarray(8 + n);
      const m = /^v(\d+)(?:\.\.(\d+))?$/.exec(range);
      if (m === null) throw new Error(`fake TWS: bad version range ${JSON.stringify(range)}`);
      this.handshakeDone = true;
      this.onHandshake(Number(m[1]), Number(m[2] ?? m[1]));
    }
    while (this.buf.length >= 4) {
      const n = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + n) return;
      const text = this.buf.subarray(4, 4 + n).toString("utf8");
      this.buf = this.buf.subarray(4 + n);
      const tokens = text.split("\0");
      if (tokens[tokens.length - 1] === "") tokens.pop();
      this.onMessage(tokens);
    }
  }
}
