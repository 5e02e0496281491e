import { describe, expect, it } from "vitest";
import { count, duration, figure, fixed, percent, signed, timestamp, MISSING } from "../../src/report/format.js";
import { escapeHtml, html, trustedHtml } from "../../src/report/safe-html.js";

describe("report number formatting", () => {
  it("formats known values and shows missing ones as a dash", () => {
    expect(fixed(0.01234, 3)).toBe("0.012");
    expect(fixed(-0.0001, 3)).toBe("0.000");
    expect(signed(0.0312, 3)).toBe("+0.031");
    expect(signed(-0.004, 3)).toBe("-0.004");
    expect(signed(0.00001, 3)).toBe("0.000");
    expect(percent(0.1234)).toBe("12.3%");
    expect(percent(-0.148)).toBe("-14.8%");
    expect(count(1234567)).toBe("1,234,567");
    expect(count(-1200)).toBe("-1,200");
    expect(figure(0.035212)).toBe("0.03521");
    expect(figure("1d")).toBe("1d");
    for (const f of [fixed, signed, percent, count, duration]) {
      expect(f(null)).toBe(MISSING);
      expect(f(Number.NaN)).toBe(MISSING);
    }
  });

  it("writes durations in words", () => {
    expect(duration(0.42)).toBe("0.4 s");
    expect(duration(12.3)).toBe("12 s");
    expect(duration(185)).toBe("3 m 05 s");
    expect(duration(3725)).toBe("1 h 02 m");
  });

  it("shows timestamps in UTC whatever the time zone", () => {
    expect(timestamp("2026-11-28T10:15:00.000+02:00")).toBe("2026-11-28 08:15:00 UTC");
    expect(timestamp(null)).toBe(MISSING);
    expect(timestamp("yesterday")).toBe("yesterday");
  });
});

describe("html template", () => {
  it("escapes interpolated text, keeps Html fragments, flattens arrays, skips null and false", () => {
    const name = `<img src=x onerror="alert(1)">&'`;
    expect(escapeHtml(name)).toBe("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;");
    const out = html`<td title="${name}">${name}</td>${trustedHtml("<b>ok</b>")}${[1, html`<i>x</i>`, "<"]}${null}${false}${0}`;
    expect(out.value).toBe(`<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;</td><b>ok</b>1<i>x</i>&lt;0`);
  });
});
