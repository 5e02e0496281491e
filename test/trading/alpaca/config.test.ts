/** pipeline.trading.alpaca: strict, paper by default, live only when written out, URL overrides. */
import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "../../../src/trading/broker/alpaca/endpoints.js";
import { alpacaSchema } from "../../../src/trading/broker/alpaca/schema.js";
import { tradingSchema } from "../../../src/trading/schema.js";

describe("pipeline.trading.alpaca", () => {
  it("defaults to the paper endpoints", () => {
    const cfg = tradingSchema.parse({}).alpaca;
    expect(cfg.paper).toBe(true);
    expect(resolveEndpoints(cfg)).toEqual({ trading: "https://paper-api.alpaca.markets", data: "https://data.alpaca.markets", stream: "wss://paper-api.alpaca.markets/stream", live: false });
  });

  it("is live only with paper: false, and the URL overrides win", () => {
    expect(resolveEndpoints(alpacaSchema.parse({ paper: false }))).toEqual({ trading: "https://api.alpaca.markets", data: "https://data.alpaca.markets", stream: "wss://api.alpaca.markets/stream", live: true });
    expect(resolveEndpoints(alpacaSchema.parse({ base_url: "http://127.0.0.1:9999/", data_url: "http://127.0.0.1:9998" }))).toMatchObject({ trading: "http://127.0.0.1:9999", data: "http://127.0.0.1:9998", stream: "ws://127.0.0.1:9999/stream" });
    expect(resolveEndpoints(alpacaSchema.parse({ base_url: "https://proxy.example", stream_url: "wss://ws.example/stream" })).stream).toBe("wss://ws.example/stream");
  });

  it("rejects unknown keys, keys in the config, and URLs of the wrong scheme", () => {
    expect(alpacaSchema.safeParse({ api_key: "PK123" }).success).toBe(false);
    expect(alpacaSchema.safeParse({ papr: true }).success).toBe(false);
    expect(alpacaSchema.safeParse({ base_url: "ftp://x.example" }).success).toBe(false);
    expect(alpacaSchema.safeParse({ stream_url: "https://x.example/stream" }).success).toBe(false);
    expect(alpacaSchema.safeParse({ feed: "otc" }).success).toBe(false);
    expect(alpacaSchema.safeParse({ timeframe: "2d" }).success).toBe(false);
  });
});
