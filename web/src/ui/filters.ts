/**
 * Filters: class, minimum threat, dark only, disposition. Kept in the URL (shareable, like
 * tar1090's) and sent to the server as the stream's filter; also applied here, so replay and
 * older servers show the same thing.
 */
import { $, h, replaceUrl } from '../dom.js';
import { CLASS_LABEL, CLASSES, DISPOSITION_LABEL, DISPOSITIONS } from '../format.js';
import { app } from '../state.js';
import type { StreamFilter } from '../types.js';

const list = (v: string | null): string[] | undefined => {
  const xs = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return xs.length ? xs : undefined;
};

export function filterFromUrl(search = location.search): StreamFilter {
  const q = new URLSearchParams(search);
  const f: StreamFilter = {};
  const classes = list(q.get('class'));
  if (classes) f.classes = classes;
  const mt = Number(q.get('minThreat'));
  if (q.has('minThreat') && Number.isFinite(mt) && mt > 0) f.minThreat = mt;
  if (q.get('dark') === '1' || q.get('dark') === 'true') f.darkOnly = true;
  const disp = list(q.get('disp'));
  if (disp) f.dispositions = disp;
  return f;
}

export function writeFilterToUrl(f: StreamFilter): void {
  const url = new URL(location.href);
  const q = url.searchParams;
  q.delete('token');
  const set = (k: string, v: string | undefined) => (v ? q.set(k, v) : q.delete(k));
  set('class', f.classes?.join(','));
  set('minThreat', f.minThreat ? String(f.minThreat) : undefined);
  set('dark', f.darkOnly ? '1' : undefined);
  set('disp', f.dispositions?.join(','));
  replaceUrl(url);
}

export function filterCount(f: StreamFilter): number {
  return (f.classes?.length ? 1 : 0) + (f.minThreat ? 1 : 0) + (f.darkOnly ? 1 : 0) + (f.dispositions?.length ? 1 : 0);
}

let onChange: (f: StreamFilter) => void = () => {};

export function initFilters(changed: (f: StreamFilter) => void): void {
  onChange = changed;
  renderFilters();
  updateBadge();
}

function commit(f: StreamFilter): void {
  app.filter = f;
  writeFilterToUrl(f);
  updateBadge();
  onChange(f);
  app.changed.filter.emit();
}

function updateBadge(): void {
  const n = filterCount(app.filter);
  const b = $('#filter-badge');
  b.textContent = String(n);
  b.classList.toggle('hidden', n === 0);
}

export function renderFilters(): void {
  const f = app.filter;
  const read = (): StreamFilter => {
    const root = $('#popover-filters');
    const checked = (sel: string) => [...root.querySelectorAll<HTMLInputElement>(sel)].filter((i) => i.checked).map((i) => i.value);
    const classes = checked('input[name="f-class"]');
    const disps = checked('input[name="f-disp"]');
    const mt = Number(root.querySelector<HTMLInputElement>('#filter-min-threat')!.value);
    const out: StreamFilter = {};
    // All ticked means no filter.
    if (classes.length && classes.length < CLASSES.length) out.classes = classes;
    if (disps.length && disps.length < DISPOSITIONS.length) out.dispositions = disps;
    if (mt > 0) out.minThreat = mt;
    if (root.querySelector<HTMLInputElement>('#filter-dark')!.checked) out.darkOnly = true;
    return out;
  };
  const change = () => {
    const nf = read();
    $('#filter-min-threat-value').textContent = String(nf.minThreat ?? 0);
    commit(nf);
  };
  const box = (name: string, value: string, label: string, on: boolean) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value, checked: on, 'data-testid': `filter-${name === 'f-class' ? 'class' : 'disp'}-${value}`, onchange: change }), ` ${label}`);
  $('#popover-filters').replaceChildren(
    h('h3', null, 'Filters'),
    h('fieldset', null, h('legend', null, 'Class'), ...CLASSES.map((c) => box('f-class', c, CLASS_LABEL[c], !f.classes || f.classes.includes(c)))),
    h(
      'fieldset',
      null,
      h('legend', null, 'Threat'),
      h('label', { for: 'filter-min-threat' }, 'Minimum threat ', h('b', { id: 'filter-min-threat-value' }, String(f.minThreat ?? 0))),
      h('input', { type: 'range', id: 'filter-min-threat', 'data-testid': 'filter-min-threat', min: 0, max: 100, step: 5, value: f.minThreat ?? 0, oninput: change }),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'filter-dark', 'data-testid': 'filter-dark', checked: !!f.darkOnly, onchange: change }), ' Dark drones only'),
    ),
    h('fieldset', null, h('legend', null, 'Disposition'), ...DISPOSITIONS.map((d) => box('f-disp', d, DISPOSITION_LABEL[d], !f.dispositions || f.dispositions.includes(d)))),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          'data-testid': 'filter-reset',
          onclick: () => {
            commit({});
            renderFilters();
          },
        },
        'Show all',
      ),
      h('span', { class: 'muted small' }, 'Kept in the address: share the link.'),
    ),
  );
}
