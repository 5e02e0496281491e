import { describe, expect, it } from "vitest";
import { globToRegExp, matchesAny } from "../../src/util/glob.js";

describe("name patterns", () => {
  it("* matches any run, ? one character, the rest literally", () => {
    expect(globToRegExp("fwd_*").test("fwd_ret_5")).toBe(true);
    expect(globToRegExp("fwd_*").test("xfwd_ret")).toBe(false);
    expect(globToRegExp("y_?").test("y_1")).toBe(true);
    expect(globToRegExp("y_?").test("y_10")).toBe(false);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
    expect(globToRegExp("ret(1)").test("ret(1)")).toBe(true);
  });

  it("matchesAny compares plain names exactly", () => {
    expect(matchesAny("close", ["open", "close"])).toBe(true);
    expect(matchesAny("close_lag", ["close"])).toBe(false);
    expect(matchesAny("target_up", ["fwd_*", "target_*"])).toBe(true);
  });
});
