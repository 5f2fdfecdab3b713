// Framewise editor: turns a selection of words into a label with one key, edits labels through the
// JSON API and swaps in the server-rendered article and panel after each change.
import { state } from './state.js';
import { article, offsetAtPoint, selectOffsets, wordAt } from './offsets.js';
import { clearSelected, isNarrow, markSelected, markSuggestion, setDrawer } from './panel.js';
import { onKeyDown, readTypeKeys } from './keys.js';
import * as act from './actions.js';

const editor = document.getElementById('editor');
if (editor) start(editor);

function start(editor) {
  document.documentElement.classList.add('js');
  state.docId = editor.dataset.doc;
  state.rev = Number(editor.dataset.rev);
  state.part = Number(editor.dataset.part) || 1;
  readTypeKeys(editor);
  let lastPointer = 'mouse';

  editor.addEventListener('pointerdown', (e) => {
    lastPointer = e.pointerType;
  });

  editor.addEventListener('click', (e) => {
    const t = e.target;
    const btn = t.closest('.type-btn[data-type]');
    if (btn) return void act.createLabel(btn.dataset.type);
    if (t.closest('#drawer-toggle')) return setDrawer(!editor.classList.contains('drawer-open'));
    const setSpan = t.closest('.set-span');
    if (setSpan) return void act.setSpan(setSpan.dataset.label ?? setSpan.closest('[data-label]')?.dataset.label);
    if (lastPointer === 'touch' && article()?.contains(t) && tapWord(e)) return;
    const hl = t.closest('.hl[data-label]');
    if (hl && window.getSelection()?.isCollapsed) {
      markSelected(hl.dataset.label, { scroll: false });
      if (isNarrow()) {
        setDrawer(true);
        document.getElementById(`label-${hl.dataset.label}`)?.scrollIntoView({ block: 'nearest' });
      }
      return;
    }
    const sugg = t.closest('.sugg-item[data-sugg]');
    if (sugg && !t.closest('form, button')) return markSuggestion(sugg.dataset.sugg, { focus: true });
    const item = t.closest('.label-item[data-label]');
    if (item && !t.closest('details, form, button, a')) markSelected(item.dataset.label, { focus: true });
  });

  /**
   * Touch: a tap on a word selects it; a tap on another word stretches the selection to it; a tap
   * on a selected word clears it. Then a type button labels the selection.
   */
  function tapWord(e) {
    const at = offsetAtPoint(e.clientX, e.clientY);
    const w = at === null ? null : wordAt(at);
    if (!w) return false;
    const cur = state.words;
    if (cur && w.start >= cur.start && w.end <= cur.end) {
      state.words = null;
      window.getSelection()?.removeAllRanges();
      return true;
    }
    state.words = cur ? { start: Math.min(cur.start, w.start), end: Math.max(cur.end, w.end) } : { start: w.start, end: w.end };
    selectOffsets(state.words.start, state.words.end);
    return true;
  }

  // Focus is the selection: a label that gets focus is the picked one.
  editor.addEventListener('focusin', (e) => {
    const item = e.target.closest?.('.label-item[data-label]');
    if (item && item.dataset.label !== state.selectedId) markSelected(item.dataset.label, { scroll: false, flash: false });
    const sugg = e.target.closest?.('.sugg-item[data-sugg]');
    if (sugg && sugg.dataset.sugg !== state.sugg) markSuggestion(sugg.dataset.sugg, { scroll: false });
    if (e.target === article()) clearSelected();
  });

  editor.addEventListener('submit', (e) => {
    const form = e.target;
    if (form.dataset.sugg) {
      e.preventDefault();
      return void (form.matches('.sugg-accept') ? act.acceptSuggestion(form.dataset.sugg) : act.rejectSuggestion(form.dataset.sugg));
    }
    const id = form.dataset.label;
    if (!id) return;
    e.preventDefault();
    if (form.matches('.delete-form')) return void act.removeLabel(id);
    if (form.matches('.confirm-form') || e.submitter?.name === 'confirm') return void act.confirmLabel(id);
    if (form.matches('.edit-form')) return void act.saveForm(id, Object.fromEntries(new FormData(form)));
  });

  document.addEventListener('keydown', onKeyDown);

  // The reviewer name in the top bar is saved as soon as it changes.
  const who = document.querySelector('.whoami input[name="name"]');
  who?.addEventListener('change', () => who.form.requestSubmit());

  const fromHash = location.hash.startsWith('#label-') ? location.hash.slice('#label-'.length) : null;
  if (fromHash) markSelected(fromHash);
}
