/** A few DOM helpers (no framework: the UI is small and the map does the heavy lifting). */

type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined | ((ev: Event) => void);

/** Creates an element: attributes (on* are listeners, class → className), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, AttrValue> | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      else if (k === 'class') el.className = String(v);
      else if (k === 'text') el.textContent = String(v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function $(selector: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

/** SVG element (the sparklines). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** A tiny publish/subscribe. */
export class Emitter<T = void> {
  private readonly listeners = new Set<(v: T) => void>();
  on(fn: (v: T) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(v: T): void {
    for (const fn of this.listeners) fn(v);
  }
}

let toastTimer = 0;
/** A short message at the bottom of the screen (errors of operator actions, notices). */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  let el = document.getElementById('toast');
  if (!el) {
    el = h('div', { id: 'toast', 'data-testid': 'toast', role: 'status', 'aria-live': 'polite' });
    document.body.append(el);
  }
  el.textContent = message;
  el.className = `toast show ${kind}`;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el.classList.remove('show'), kind === 'error' ? 6000 : 3500);
}

/** Replaces the address (no history entry), keeping commas readable in the query. */
export function replaceUrl(url: URL): void {
  const q = url.searchParams.toString().replace(/%2C/gi, ',');
  history.replaceState(history.state, '', url.pathname + (q ? `?${q}` : '') + url.hash);
}

/**
 * Whether the pointer is held down inside `el`: a list or panel that redraws itself should wait,
 * or the button under the pointer is replaced between press and release and the click is lost.
 */
export function pointerHold(el: HTMLElement, released: () => void): () => boolean {
  let down = false;
  el.addEventListener('pointerdown', () => (down = true));
  const up = () => {
    if (!down) return;
    down = false;
    // After the click event has been dispatched.
    setTimeout(released, 0);
  };
  document.addEventListener('pointerup', up);
  document.addEventListener('pointercancel', up);
  return () => down;
}
