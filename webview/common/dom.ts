// Element building without innerHTML: text only ever goes in through textContent, and attributes that
// could run code (on…) or need 'unsafe-inline' (style) are refused.

type Child = Node | string;

export interface Props {
  id?: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, children?: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Props, children?: Child[]): HTMLElement;
export function el(tag: string, props: Props = {}, children: Child[] = []): HTMLElement {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (/^on/i.test(k) || k.toLowerCase() === "style") throw new Error(`el: attribute ${k} is not allowed`);
    if (v === false) continue;
    e.setAttribute(k, v === true ? "" : String(v));
  }
  if (props.text !== undefined) e.textContent = props.text;
  for (const c of children) e.append(c);
  return e;
}

/** A webview's "What am I looking at?" section: a closed <details>, one paragraph per item. */
export function helpSection(paragraphs: readonly Child[]): HTMLElement {
  return el("details", { className: "help" }, [el("summary", { text: "What am I looking at?" }), ...paragraphs.map((p) => (typeof p === "string" ? el("p", { text: p }) : el("p", {}, [p])))]);
}

/**
 * Arrow keys (along `horizontal` or not), Home and End move the focus along a roving-tabindex list: the
 * item focused gets tabindex 0, the others -1. Returns whether the key was one of them.
 */
export function moveFocus(items: readonly HTMLElement[], key: string, horizontal: boolean): boolean {
  const at = items.findIndex((e) => e === document.activeElement);
  const prev = horizontal ? "ArrowLeft" : "ArrowUp";
  const next = horizontal ? "ArrowRight" : "ArrowDown";
  let to: number;
  if (key === prev) to = Math.max(0, at - 1);
  else if (key === next) to = Math.min(items.length - 1, at + 1);
  else if (key === "Home") to = 0;
  else if (key === "End") to = items.length - 1;
  else return false;
  if (items.length === 0) return true;
  items.forEach((e, i) => (e.tabIndex = i === to ? 0 : -1));
  items[to].focus();
  return true;
}

/**
 * Ctrl+A (⌘A) in a text field selects its text at once, and VS Code's webview host, which hears every key
 * a webview does not keep, answers it with its own "select all" a moment later: that one selects what was
 * typed since, and the next key replaces it (Ctrl+A, Backspace and "walked" typed quickly gave "alked").
 * The key stays in the field, whose own selection is the one the user asked for.
 */
export function keepSelectAllInField(field: HTMLElement): void {
  field.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "a") e.stopPropagation();
  });
}
