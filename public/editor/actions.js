// What the keys and buttons do: each change goes through the JSON API, then the page is re-rendered.
import { state } from './state.js';
import { call, sentenceFor } from './api.js';
import { selectionOffsets } from './offsets.js';
import { labelItem, markSelected, markSuggestion, openForm, refresh, say, suggestionItems } from './panel.js';

const api = () => `/api/documents/${encodeURIComponent(state.docId)}`;
const short = (s) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

/** Runs one change at a time; a refusal becomes a sentence in the status line. */
async function act(what, work) {
  if (state.busy) return say('Still saving the last change…', 'info');
  state.busy = true;
  try {
    await work();
  } catch (err) {
    const stale = err.status === 409 && err.details?.latestRev;
    if (err.status === 404) await refresh().catch(() => {});
    say(sentenceFor(err, what), 'error', stale ? { label: 'Reload', run: () => location.reload() } : undefined);
  } finally {
    state.busy = false;
  }
}

export async function createLabel(type) {
  const sel = selectionOffsets();
  if (!sel) {
    if (state.selectedId && labelItem(state.selectedId)?.contains(document.activeElement)) return retype(state.selectedId, type);
    return say('Select some words in the text first (or focus the text and use Shift with the arrow keys).', 'info');
  }
  await act('label', async () => {
    const label = await call('POST', `${api()}/labels`, { ...sel, type, rev: state.rev, snap: true });
    window.getSelection()?.removeAllRanges();
    state.selectedId = label.id;
    await refresh();
    markSelected(label.id, { scroll: false });
    openForm(label.id);
    say(`Labelled “${short(label.quote.exact)}”. Add speaker, cue and sourcing, then Save (Esc closes the form).`, 'ok');
  });
}

async function retype(id, type) {
  await act('change', async () => {
    await call('PATCH', `${api()}/labels/${id}`, { type });
    await refresh();
    say('Type changed.', 'ok');
  });
}

export async function saveForm(id, data) {
  await act('change', async () => {
    await call('PATCH', `${api()}/labels/${id}`, { type: data.type, speaker: data.speaker, cue: data.cue, sourcing: data.sourcing, note: data.note });
    state.selectedId = id;
    await refresh();
    markSelected(id, { scroll: false, flash: false, focus: true });
    say('Saved.', 'ok');
  });
}

/** Fixes a label's span (or re-attaches an orphan) to the selected words, keeping its attributes and history. */
export async function setSpan(id) {
  const orphan = labelItem(id)?.dataset.state === 'orphaned';
  const sel = selectionOffsets();
  if (!sel) return say(orphan ? 'Select the words this orphaned label belongs to, then press s to re-attach it.' : 'Select the right words in the text first, then press s.', 'info');
  await act('change', async () => {
    await call('PATCH', `${api()}/labels/${id}`, { ...sel, rev: state.rev, snap: true });
    window.getSelection()?.removeAllRanges();
    state.selectedId = id;
    await refresh();
    markSelected(id, { scroll: false, focus: true });
    say(orphan ? 'Re-attached to the selected words.' : 'Span changed to the selected words.', 'ok');
  });
}

export async function confirmLabel(id) {
  if (labelItem(id)?.dataset.state !== 'fuzzy') return say('This label does not need review: there is nothing to confirm.', 'info');
  await act('confirmation', async () => {
    await call('PATCH', `${api()}/labels/${id}`, { confirm: true });
    await refresh();
    markSelected(id, { scroll: false, flash: false, focus: true });
    say('Position confirmed.', 'ok');
  });
}

export async function removeLabel(id) {
  await act('deletion', async () => {
    const { deleted } = await call('DELETE', `${api()}/labels/${id}`);
    state.lastDeleted = deleted.id;
    if (state.selectedId === id) state.selectedId = null;
    await refresh();
    say(`Deleted “${short(deleted.quote.exact)}”.`, 'info', { label: 'Undo (u)', run: undo });
  });
}

export async function undo() {
  if (!state.lastDeleted) return say('Nothing to undo.', 'info');
  const id = state.lastDeleted;
  await act('undo', async () => {
    await call('POST', `${api()}/labels/${id}/restore`);
    state.lastDeleted = null;
    state.selectedId = id;
    await refresh();
    markSelected(id);
    say('Label restored.', 'ok');
  });
}

const nextSuggestion = (id) => {
  const ids = suggestionItems().map((el) => el.dataset.sugg);
  return ids[ids.indexOf(id) + 1] ?? null;
};

export async function acceptSuggestion(id) {
  if (!id) return say(suggestionItems().length ? 'Press n to highlight a suggestion first.' : 'No more suggestions on this document.', 'info');
  const next = nextSuggestion(id);
  await act('suggestion', async () => {
    const label = await call('POST', `${api()}/suggestions/${encodeURIComponent(id)}/accept`, { rev: state.rev });
    state.sugg = next;
    await refresh();
    markSuggestion(next);
    say(`Accepted “${short(label.quote.exact)}”.${next ? '' : ' That was the last suggestion.'}`, 'ok');
  });
}

export async function rejectSuggestion(id) {
  if (!id) return say(suggestionItems().length ? 'Press n to highlight a suggestion first.' : 'No more suggestions on this document.', 'info');
  const next = nextSuggestion(id);
  await act('suggestion', async () => {
    await call('POST', `${api()}/suggestions/${encodeURIComponent(id)}/reject`);
    state.sugg = next;
    await refresh();
    markSuggestion(next);
    say(`Suggestion rejected; it will not come back.${next ? '' : ' That was the last suggestion.'}`, 'info');
  });
}
