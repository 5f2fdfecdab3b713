// One keyboard model: the focused label is the picked one. Keys act on what is focused and
// highlighted; Enter and Space on a button, link or summary keep their usual meaning.
import { state } from './state.js';
import { article, selectionOffsets, selectOffsets, words } from './offsets.js';
import { clearSelected, formChanged, labelItems, markSelected, markSuggestion, openForm, say, setDrawer, suggestionItems } from './panel.js';
import * as act from './actions.js';

const typeKeys = new Map();

export function readTypeKeys(editor) {
  for (const btn of editor.querySelectorAll('.type-btn[data-type]')) {
    const key = btn.querySelector('kbd')?.textContent.trim();
    if (key) typeKeys.set(key, btn.dataset.type);
  }
}

const isField = (el) => el?.closest?.('input, textarea, select, [contenteditable="true"]');
const isControl = (el) => el?.closest?.('button, a[href], summary, [role="button"]');

/** Moves focus (and so the pick) to the label `step` away from the focused one; orphans come last. */
function focusLabel(step) {
  const items = labelItems();
  if (!items.length) return say('There are no labels on this document yet.', 'info');
  const i = items.findIndex((el) => el.dataset.label === state.selectedId);
  const next = i === -1 ? (step > 0 ? 0 : items.length - 1) : (i + step + items.length) % items.length;
  markSelected(items[next].dataset.label, { focus: true });
}

function nextNeedingReview() {
  const items = labelItems();
  const review = items.filter((el) => el.dataset.state === 'fuzzy');
  if (!review.length) return say('No label needs review on this page.', 'info');
  const i = items.findIndex((el) => el.dataset.label === state.selectedId);
  const next = review.find((el) => items.indexOf(el) > i) ?? review[0];
  markSelected(next.dataset.label, { focus: true });
  say('Needs review: compare the old words with the new, then Confirm (c) or select the right words and Fix (s).', 'info');
}

/** Esc in a label form: closes it, asking first when something was typed. */
function closeForm(target) {
  const form = target.closest('form');
  const details = target.closest('details');
  if (form?.matches('.edit-form') && formChanged(form)) {
    if (!window.confirm('Discard the changes you made to this label?')) return;
    form.reset();
  }
  details?.removeAttribute('open');
  const item = target.closest('.label-item');
  if (item) item.focus();
  else target.blur();
}

/** Arrow keys in the focused text: pick the next/previous word; with Shift, grow or shrink by a word. */
function moveWords(e) {
  const ws = words();
  if (!ws.length) return;
  let cur = state.words ?? selectionOffsets();
  if (!cur) {
    const first = ws[0];
    state.words = { start: first.start, end: first.end };
    selectOffsets(first.start, first.end);
    return;
  }
  const forward = e.key === 'ArrowRight';
  if (e.shiftKey) {
    if (forward) {
      const w = ws.find((x) => x.end > cur.end);
      if (w) cur = { start: cur.start, end: w.end };
    } else {
      const back = [...ws].reverse().find((x) => x.end < cur.end && x.end > cur.start);
      if (back) cur = { start: cur.start, end: back.end };
      else {
        const w = [...ws].reverse().find((x) => x.start < cur.start);
        if (w) cur = { start: w.start, end: cur.end };
      }
    }
  } else {
    const w = forward ? ws.find((x) => x.start >= cur.end) : [...ws].reverse().find((x) => x.end <= cur.start);
    if (w) cur = { start: w.start, end: w.end };
  }
  state.words = cur;
  selectOffsets(cur.start, cur.end);
}

export function onKeyDown(e) {
  const target = e.target;
  if (document.querySelector('dialog[open]')) return;
  if (isField(target)) {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeForm(target);
    }
    return;
  }
  if (e.altKey || e.metaKey) return;
  if ((e.key === 'Enter' || e.key === ' ') && isControl(target)) return;
  if (e.ctrlKey) {
    if (e.key === 'z') {
      e.preventDefault();
      void act.undo();
    }
    return;
  }
  const onItem = target?.matches?.('.label-item[data-label]');
  if (e.key === 'Tab' && onItem) {
    const items = labelItems();
    const i = items.indexOf(target);
    const next = items[i + (e.shiftKey ? -1 : 1)];
    if (next) {
      e.preventDefault();
      markSelected(next.dataset.label, { focus: true, flash: false });
    }
    return;
  }
  if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && (article()?.contains(target) || (e.shiftKey && selectionOffsets()))) {
    e.preventDefault();
    return moveWords(e);
  }
  if (typeKeys.has(e.key)) {
    e.preventDefault();
    return void act.createLabel(typeKeys.get(e.key));
  }
  const focusedSugg = target?.closest?.('.sugg-item[data-sugg]')?.dataset.sugg ?? null;
  const id = state.selectedId;
  switch (e.key) {
    case 'j':
    case 'k':
      e.preventDefault();
      return focusLabel(e.key === 'j' ? 1 : -1);
    case 'r':
      return nextNeedingReview();
    case 'Enter':
      if (focusedSugg) return markSuggestion(focusedSugg);
      if (id && onItem) {
        e.preventDefault();
        openForm(id);
      }
      return;
    case ' ':
      if (onItem && id) {
        e.preventDefault();
        markSelected(id, { focus: true });
      } else if (focusedSugg) {
        e.preventDefault();
        markSuggestion(focusedSugg, { focus: true });
      }
      return;
    case 'c':
      if (!id) return say('Focus a label first (j, k or r).', 'info');
      return void act.confirmLabel(id);
    case 's':
      if (!id) return say('Focus a label first (j, k or r), then press s to move it to the selected words.', 'info');
      return void act.setSpan(id);
    case 'Delete':
    case 'Backspace':
      if (id && onItem) {
        e.preventDefault();
        void act.removeLabel(id);
      }
      return;
    case 'u':
      return void act.undo();
    case 'n': {
      const ids = suggestionItems().map((el) => el.dataset.sugg);
      if (!ids.length) return say('No more suggestions on this document.', 'info');
      return markSuggestion(ids[(ids.indexOf(state.sugg) + 1) % ids.length], { focus: true });
    }
    case 'a':
      return void act.acceptSuggestion(focusedSugg ?? state.sugg);
    case 'x':
      return void act.rejectSuggestion(focusedSugg ?? state.sugg);
    case 'Escape':
      window.getSelection()?.removeAllRanges();
      state.words = null;
      for (const d of document.querySelectorAll('details.label-edit[open]')) d.open = false;
      setDrawer(false);
      return;
    case '?':
      return void document.getElementById('keys-help')?.showModal();
  }
}

export { clearSelected };
