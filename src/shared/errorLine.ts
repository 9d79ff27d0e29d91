// One error line, wherever one is shown (the CLI's stderr, the model host's replies, the status bar): short,
// on one line, and inert in a terminal. Control characters (a newline in a path, an escape sequence in a
// file name or a query) and the characters that reorder text (U+202E) are written as escapes, and a line
// that would carry a whole argument is cut with its length said. Describing a value never throws (a BigInt,
// a cycle or a sparse array of 10^9 entries is described, not serialised). PURE.

/** the longest error line shown, in characters */
export const MAX_ERROR_CHARS = 400;
/** the longest piece of a user's value (a query, a file name) quoted inside an error line */
export const MAX_QUOTED_CHARS = 60;

// C0 and C1 controls, DEL, the bidirectional controls and marks, the line and paragraph separators, lone surrogates
// eslint-disable-next-line no-control-regex -- these are the characters it finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control, bidirectional or separator character written as an escape (\n, \x1b, \u202e). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** The first `max` characters of `text`, never half a surrogate pair. */
function head(text: string, max: number): string {
  if (text.length <= max) return text;
  const c = text.charCodeAt(max - 1);
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** One line fit to show: escaped, and cut to about `max` characters with the original length said ("… (99304 characters)"). */
export function errorLine(message: string, max = MAX_ERROR_CHARS): string {
  // a 100 MB message is cut before it is escaped: only its start is shown
  const escaped = escapeControls(head(message, 2 * max));
  if (message.length <= max && escaped.length <= max) return escaped;
  return `${head(escaped, max)}… (${message.length} characters)`;
}

/** A user's string quoted for an error line: JSON-style quotes, escaped, at most MAX_QUOTED_CHARS characters of it. */
export function quoted(text: string, max = MAX_QUOTED_CHARS): string {
  const body = escapeControls(head(text, max).replace(/\\/g, "\\\\").replace(/"/g, '\\"'));
  return text.length > max ? `"${body}"… (${text.length} characters)` : `"${body}"`;
}

/** What a received value is, in a few words; never throws, whatever the value (see the file's comment). */
export function describeValue(x: unknown): string {
  try {
    switch (typeof x) {
      case "string":
        return x.length > MAX_QUOTED_CHARS ? `a string of ${x.length} characters` : quoted(x);
      case "number":
      case "boolean":
        return String(x);
      case "bigint":
        return `the BigInt ${head(String(x), MAX_QUOTED_CHARS)}n`;
      case "undefined":
        return "nothing";
      case "symbol":
      case "function":
        return `a ${typeof x}`;
    }
    if (x === null) return "null";
    if (Array.isArray(x)) return `an array of ${x.length} entries`;
    const proto: unknown = Object.getPrototypeOf(x);
    const name = proto === Object.prototype || proto === null ? "" : (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name ? `a ${quoted(name, 40).slice(1, -1)}` : "an object";
  } catch {
    // a Proxy whose traps throw
    return "a value that cannot be described";
  }
}

/** The message of anything thrown, as one error line (a thrown non-Error is described). */
export function errorMessage(e: unknown, max = MAX_ERROR_CHARS): string {
  let message: string;
  try {
    message = e instanceof Error ? String(e.message) : typeof e === "string" ? e : describeValue(e);
  } catch {
    message = describeValue(e);
  }
  return errorLine(message || "an error without a message", max);
}
