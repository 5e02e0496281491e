/**
 * HTML built from tagged templates that escape every interpolated value unless it is already Html.
 * Target, feature, symbol and model names come from user data; escaping by default means a name
 * like `<img src=x onerror=...>` is always shown as text, and forgetting to escape is not possible
 * without writing `trustedHtml(...)`, which only the chart renderer's output goes through.
 */

/** A fragment of markup that is safe to insert as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Markup produced by code we trust (vega's SVG output, which escapes its own text). */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

/**
 * Template tag: `html\`<td>${name}</td>\`` escapes `name`. Html values are inserted as they are,
 * arrays are concatenated element by element, and null, undefined and false insert nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += fragment(values[i]) + strings[i + 1];
  return new Html(out);
}

function fragment(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (v === null || v === undefined || v === false) return "";
  if (Array.isArray(v)) return v.map(fragment).join("");
  return escapeHtml(String(v));
}
