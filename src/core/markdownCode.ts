// Whether a cursor in a Markdown document stands in code rather than prose: inside a fenced code block
// (CommonMark's fences) or inside YAML front matter. The ghost text suggests prose, which there is noise.
// PURE: the caller hands in the text before the cursor; the extension and the CLI share it.

/** how much text before the cursor is read: a 5 MB document costs what a small one does */
export const MARKDOWN_SCAN_CHARS = 64 * 1024;

/** an opening or closing fence: up to 3 spaces, then 3 or more backticks or tildes (CommonMark 4.5) */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
/** YAML front matter opens with `---` alone on the document's first line and closes with `---` or `...` */
const FRONT_OPEN = /^---[ \t]*$/;
const FRONT_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * True when the end of `textBefore` (the cursor) lies inside an open ``` or ~~~ fence, on an opening
 * fence's line (its info string), or inside YAML front matter. `atDocumentStart`: `textBefore` begins at
 * the document's start (front matter is looked for only then).
 */
export function insideMarkdownCode(textBefore: string, atDocumentStart = true): boolean {
  const lines = textBefore.split(/\r\n|\r|\n/);
  const current = lines.pop() ?? "";
  let i = 0;
  if (atDocumentStart && lines.length === 0 && FRONT_OPEN.test(current)) return true; // typing the opening line
  if (atDocumentStart && lines.length > 0 && FRONT_OPEN.test(lines[0])) {
    for (i = 1; i < lines.length && !FRONT_CLOSE.test(lines[i]); i++);
    if (i >= lines.length) return true; // no closing line yet: the cursor is in the front matter
    i++;
  }
  /** the open fence: its character and length (a closing fence is at least as long) */
  let open: { char: string; length: number } | undefined;
  for (; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]);
    if (!m) continue;
    const run = m[1];
    if (open) {
      if (run[0] === open.char && run.length >= open.length && /^[ \t]*$/.test(m[2])) open = undefined;
    } else if (run[0] === "~" || !m[2].includes("`")) {
      // a backtick fence's info string holds no backtick (else it is inline code: ```a``` )
      open = { char: run[0], length: run.length };
    }
  }
  if (open) return true;
  const m = FENCE.exec(current);
  return m !== null && (m[1][0] === "~" || !m[2].includes("`"));
}

/**
 * The same question for a cursor at `cursor` in a document read by offsets, reading at most
 * MARKDOWN_SCAN_CHARS before it, from a line start. A fence opened before that slice is not seen: the
 * code after it reads as prose up to its closing fence, which then reads as an opening one, so a code
 * block longer than the slice swaps code and prose until the next fence (and front matter is looked for
 * only when the slice starts the document).
 */
export function cursorInMarkdownCode(read: (start: number, end: number) => string, cursor: number): boolean {
  const start = Math.max(0, cursor - MARKDOWN_SCAN_CHARS);
  let text = read(start, cursor);
  if (start > 0) {
    const nl = text.search(/[\r\n]/);
    // no line start in the slice: the cursor is in a line longer than the slice, read as prose
    if (nl < 0) return false;
    text = text.slice(nl).replace(/^(\r\n|\r|\n)/, "");
  }
  return insideMarkdownCode(text, start === 0);
}
