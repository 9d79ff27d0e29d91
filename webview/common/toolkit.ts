// The webview UI toolkit's components (dist/webview/toolkit.min.js, loaded as a module beside the view's
// own script; src/ui/webviewHtml.ts's `toolkit: true`). A view asks for its state at once and draws before
// the toolkit has defined its elements; once they are defined it draws again. Until then a value goes in
// as an attribute: a property set on an element the toolkit has not upgraded yet would shadow the
// component's own accessor for good.

export type Picker = HTMLElement & { value: string };
export type Checkbox = HTMLElement & { checked: boolean };
export type TextField = HTMLElement & { value: string };

export function isDefined(e: Element): boolean {
  return customElements.get(e.localName) !== undefined;
}

/** Resolves once every named component is defined. */
export async function whenDefined(tags: readonly string[]): Promise<void> {
  await Promise.all(tags.map((t) => customElements.whenDefined(t)));
}

/** A vscode-dropdown's chosen option: its value once defined, else its options' selected attribute. */
export function setPickerValue(picker: Picker, selected: string): void {
  if (!isDefined(picker)) {
    for (const o of picker.querySelectorAll("vscode-option")) o.toggleAttribute("selected", o.getAttribute("value") === selected);
    return;
  }
  picker.value = selected;
  // the toolkit may only know new options on the next frame
  requestAnimationFrame(() => {
    if (picker.value !== selected) picker.value = selected;
  });
}

/** A vscode-dropdown's options (replaced only when they differ) and its chosen one. */
export function setPickerOptions(picker: Picker, options: readonly { value: string; label: string }[], selected: string): void {
  const current = [...picker.querySelectorAll("vscode-option")].map((o) => `${o.getAttribute("value")}=${o.textContent}`).join("|");
  const wanted = options.map((o) => `${o.value}=${o.label}`).join("|");
  if (current !== wanted) picker.replaceChildren(...options.map((o) => option(o.value, o.label, o.value === selected)));
  setPickerValue(picker, selected);
}

export function option(value: string, label: string, selected = false): HTMLElement {
  const o = document.createElement("vscode-option");
  o.setAttribute("value", value);
  o.toggleAttribute("selected", selected);
  o.textContent = label;
  return o;
}

/** A vscode-checkbox's state; once defined, set only when it differs (the component reports every change). */
export function setChecked(box: Checkbox, checked: boolean): void {
  if (!isDefined(box)) box.toggleAttribute("checked", checked);
  else if (box.checked !== checked) box.checked = checked;
}

/** A vscode-text-field's text; before the toolkit defines it, its initial value. */
export function setFieldValue(field: TextField, value: string): void {
  if (isDefined(field)) field.value = value;
  else field.setAttribute("value", value);
}
