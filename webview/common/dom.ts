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
