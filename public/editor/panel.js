// The side panel and the highlights: which label and suggestion are marked, swapping in the
// server-rendered fragment after a change, and the drawer that holds the panel on phones.
import { state } from './state.js';
import { fetchFragment } from './api.js';
import { article } from './offsets.js';

const statusEl = () => document.getElementById('status');
const editor = () => document.getElementById('editor');

/** Shows a sentence in the status line (announced politely), with an optional action button. */
export function say(message, kind = 'info', action) {
  const el = statusEl();
  el.className = `status ${kind}`;
  el.textContent = message;
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = action.label;
    b.addEventListener('click', action.run);
    el.append(' ', b);
  }
}

export const labelItems = () => [...document.querySelectorAll('#label-list .label-item[data-label]')];
export const labelItem = (id) => (id ? document.getElementById(`label-${id}`) : null);
export const suggestionItems = () => [...document.querySelectorAll('.sugg-item[data-sugg]')];
const suggestionItem = (id) => suggestionItems().find((el) => el.dataset.sugg === id) ?? null;

function spansOf(attr, id) {
  return article()?.querySelectorAll(`[data-${attr}="${CSS.escape(id)}"]`) ?? [];
}

/** Marks label `id` as the picked one: highlighted in the text and the list; optionally focused. */
export function markSelected(id, { scroll = true, flash = true, focus = false } = {}) {
  state.selectedId = id;
  for (const el of document.querySelectorAll('.label-item.selected, .hl.active')) el.classList.remove('selected', 'active', 'flash');
  const item = labelItem(id);
  if (!item) {
    state.selectedId = null;
    return;
  }
  item.classList.add('selected');
  const spans = spansOf('label', id);
  for (const s of spans) {
    s.classList.add('active');
    if (flash) {
      void s.offsetWidth;
      s.classList.add('flash');
    }
  }
  if (focus && document.activeElement !== item) item.focus({ preventScroll: true });
  if (scroll) {
    spans[0]?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    item.scrollIntoView({ block: 'nearest' });
  }
}

export function clearSelected() {
  state.selectedId = null;
  for (const el of document.querySelectorAll('.label-item.selected, .hl.active')) el.classList.remove('selected', 'active', 'flash');
}

/** Highlights suggestion `id` in the text and the list (null clears it). */
export function markSuggestion(id, { scroll = true, focus = false } = {}) {
  for (const el of document.querySelectorAll('.sugg.active, .sugg-item.selected')) el.classList.remove('active', 'selected');
  const item = id ? suggestionItem(id) : null;
  state.sugg = item ? id : null;
  if (!item) return;
  item.classList.add('selected');
  const spans = spansOf('sugg', id);
  for (const s of spans) s.classList.add('active');
  if (focus && document.activeElement !== item) item.focus({ preventScroll: true });
  if (scroll) {
    item.scrollIntoView({ block: 'nearest' });
    spans[0]?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}

/** Opens the edit form of label `id` and focuses one of its fields. */
export function openForm(id, field = 'speaker') {
  const details = labelItem(id)?.querySelector('details.label-edit');
  if (!details) return;
  details.open = true;
  details.querySelector(`[name="${field}"]`)?.focus();
}

/** True when a field of `form` differs from what the page was rendered with. */
export function formChanged(form) {
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.tagName === 'BUTTON') continue;
    if (el.tagName === 'SELECT') {
      if ([...el.options].some((o) => o.selected !== o.defaultSelected)) return true;
    } else if ('defaultValue' in el && el.value !== el.defaultValue) return true;
  }
  return false;
}

/** Re-renders the article and panel from the server, keeping the picked label and suggestion. */
export async function refresh() {
  const focusWasInPanel = document.getElementById('side-slot')?.contains(document.activeElement);
  const data = await fetchFragment(state.docId, state.part);
  state.rev = data.rev;
  editor().dataset.rev = String(data.rev);
  document.getElementById('article-slot').innerHTML = data.article;
  document.getElementById('side-slot').innerHTML = data.panel;
  const count = document.querySelector('#drawer-toggle .count');
  const total = document.getElementById('label-count');
  if (count && total) count.textContent = total.textContent;
  state.words = null;
  if (state.selectedId) markSelected(state.selectedId, { scroll: false, flash: false, focus: focusWasInPanel });
  if (state.sugg) markSuggestion(state.sugg, { scroll: false });
}

/** Phones: the panel is a drawer over the bottom of the screen, opened by a button or a tap on a label. */
export function setDrawer(open) {
  const ed = editor();
  ed.classList.toggle('drawer-open', open);
  document.getElementById('drawer-toggle')?.setAttribute('aria-expanded', String(open));
}

export const isNarrow = () => window.matchMedia('(max-width: 900px)').matches;
