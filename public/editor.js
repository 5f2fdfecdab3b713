// Framewise editor: turns a text selection into a label with one key, edits and deletes labels
// through the JSON API, and swaps in the server-rendered article and panel after each change.
// Offsets are UTF-16 code units: every `.tx` element holds one text node and carries the offset
// of its first character in `data-start`.
(() => {
  const editor = document.getElementById('editor');
  if (!editor) return;
  document.documentElement.classList.add('js');
  const docId = editor.dataset.doc;
  const api = `/api/documents/${encodeURIComponent(docId)}`;
  const statusEl = document.getElementById('status');
  let rev = Number(editor.dataset.rev);
  let selectedId = null;
  let selectedSugg = null;
  let lastDeleted = null;
  let busy = false;

  const article = () => document.getElementById('article-text');
  const keyToType = new Map();
  for (const btn of editor.querySelectorAll('.type-btn[data-type]')) {
    const key = btn.querySelector('kbd')?.textContent.trim();
    if (key) keyToType.set(key, btn.dataset.type);
  }

  function say(message, kind = 'info', action) {
    statusEl.className = `status ${kind}`;
    statusEl.textContent = message;
    if (action) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.label;
      b.addEventListener('click', action.run);
      statusEl.append(' ', b);
    }
  }

  async function call(method, url, body) {
    const res = await fetch(url, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(data?.error?.message || `${res.status} ${res.statusText}`);
      err.status = res.status;
      err.details = data?.error?.details;
      throw err;
    }
    return data;
  }

  async function refresh() {
    const res = await fetch(`/documents/${encodeURIComponent(docId)}/fragment`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`could not reload the document (${res.status})`);
    const data = await res.json();
    rev = data.rev;
    editor.dataset.rev = String(rev);
    document.getElementById('article-slot').innerHTML = data.article;
    document.getElementById('side-slot').innerHTML = data.panel;
    if (selectedId) markSelected(selectedId, { scroll: false, flash: false });
  }

  /** Runs one change at a time; shows the server's message when it fails. */
  async function act(work) {
    if (busy) return;
    busy = true;
    try {
      await work();
    } catch (err) {
      if (err.status === 409 && err.details?.latestRev) {
        say(`${err.message}`, 'error', { label: 'Reload', run: () => location.reload() });
      } else {
        say(err.message, 'error');
      }
    } finally {
      busy = false;
    }
  }

  // ---- selection -> offsets ----
  function boundaryOffset(container, offset) {
    if (container.nodeType === Node.TEXT_NODE) {
      const tx = container.parentElement?.closest('.tx');
      return tx ? Number(tx.dataset.start) + offset : null;
    }
    const child = container.childNodes[offset];
    if (child) {
      const tx = child.nodeType === Node.ELEMENT_NODE && child.matches('.tx') ? child : child.nodeType === Node.ELEMENT_NODE ? child.querySelector('.tx') : null;
      if (tx) return Number(tx.dataset.start);
      let next = child.nextSibling || child.parentElement?.nextElementSibling;
      while (next) {
        const t = next.nodeType === Node.ELEMENT_NODE ? (next.matches('.tx') ? next : next.querySelector('.tx')) : null;
        if (t) return Number(t.dataset.start);
        next = next.nextSibling;
      }
    }
    const all = container.nodeType === Node.ELEMENT_NODE ? container.querySelectorAll('.tx') : [];
    const last = all[all.length - 1];
    return last ? Number(last.dataset.start) + last.textContent.length : null;
  }

  /** The current selection inside the article as UTF-16 offsets, or null. */
  function selectionOffsets() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const root = article();
    if (!root || !root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
    const start = boundaryOffset(range.startContainer, range.startOffset);
    const end = boundaryOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    return { start, end };
  }

  // ---- labels ----
  function spansOf(id) {
    return article()?.querySelectorAll(`.hl[data-label="${CSS.escape(id)}"]`) ?? [];
  }

  function markSelected(id, { scroll = true, flash = true } = {}) {
    selectedId = id;
    for (const el of document.querySelectorAll('.label-item.selected, .hl.active')) el.classList.remove('selected', 'active');
    const item = document.getElementById(`label-${id}`);
    item?.classList.add('selected');
    const spans = spansOf(id);
    for (const s of spans) {
      s.classList.add('active');
      if (flash) {
        s.classList.remove('flash');
        void s.offsetWidth;
        s.classList.add('flash');
      }
    }
    if (scroll) {
      spans[0]?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      item?.scrollIntoView({ block: 'nearest' });
    }
  }

  function openForm(id, focusField = 'speaker') {
    const item = document.getElementById(`label-${id}`);
    const details = item?.querySelector('details.label-edit');
    if (!details) return;
    details.open = true;
    details.querySelector(`[name="${focusField}"]`)?.focus();
  }

  async function createLabel(type) {
    const sel = selectionOffsets();
    if (!sel) {
      if (selectedId) return retype(selectedId, type);
      say('Select some words in the text first.', 'info');
      return;
    }
    await act(async () => {
      const label = await call('POST', `${api}/labels`, { ...sel, type, rev, snap: true });
      window.getSelection()?.removeAllRanges();
      selectedId = label.id;
      await refresh();
      markSelected(label.id, { scroll: false });
      openForm(label.id);
      say(`Labelled “${short(label.quote.exact)}”. Add speaker, cue and sourcing, then Save (or press Esc).`, 'ok');
    });
  }

  async function retype(id, type) {
    await act(async () => {
      await call('PATCH', `${api}/labels/${id}`, { type });
      await refresh();
      say('Type changed.', 'ok');
    });
  }

  async function setSpan(id) {
    const sel = selectionOffsets();
    if (!sel) return say('Select the new text for this label first, then press s.', 'info');
    await act(async () => {
      await call('PATCH', `${api}/labels/${id}`, { ...sel, rev, snap: true });
      window.getSelection()?.removeAllRanges();
      await refresh();
      say('Span changed.', 'ok');
    });
  }

  async function removeLabel(id) {
    await act(async () => {
      const { deleted } = await call('DELETE', `${api}/labels/${id}`);
      lastDeleted = deleted.id;
      if (selectedId === id) selectedId = null;
      await refresh();
      say(`Deleted “${short(deleted.quote.exact)}”.`, 'info', { label: 'Undo (u)', run: undo });
    });
  }

  async function undo() {
    if (!lastDeleted) return say('Nothing to undo.', 'info');
    const id = lastDeleted;
    await act(async () => {
      await call('POST', `${api}/labels/${id}/restore`);
      lastDeleted = null;
      selectedId = id;
      await refresh();
      markSelected(id);
      say('Label restored.', 'ok');
    });
  }

  async function confirm(id) {
    await act(async () => {
      await call('PATCH', `${api}/labels/${id}`, { confirm: true });
      await refresh();
      say('Position confirmed.', 'ok');
    });
  }

  // ---- suggestions ----
  function markSuggestion(id) {
    selectedSugg = id;
    for (const el of document.querySelectorAll('.sugg.active, .sugg-item.selected')) el.classList.remove('active', 'selected');
    const item = document.querySelector(`.sugg-item[data-sugg="${CSS.escape(id)}"]`);
    item?.classList.add('selected');
    item?.scrollIntoView({ block: 'nearest' });
    const spans = article()?.querySelectorAll(`.sugg[data-sugg="${CSS.escape(id)}"]`) ?? [];
    for (const s of spans) s.classList.add('active');
    spans[0]?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  function suggestionIds() {
    return [...document.querySelectorAll('.sugg-item[data-sugg]')].map((el) => el.dataset.sugg);
  }

  async function acceptSuggestion(id) {
    await act(async () => {
      const next = suggestionIds()[suggestionIds().indexOf(id) + 1];
      const label = await call('POST', `${api}/suggestions/${encodeURIComponent(id)}/accept`, { rev });
      selectedId = label.id;
      await refresh();
      if (next) markSuggestion(next);
      say(`Accepted “${short(label.quote.exact)}”.`, 'ok');
    });
  }

  async function rejectSuggestion(id) {
    await act(async () => {
      const next = suggestionIds()[suggestionIds().indexOf(id) + 1];
      await call('POST', `${api}/suggestions/${encodeURIComponent(id)}/reject`);
      await refresh();
      if (next) markSuggestion(next);
      say('Suggestion rejected; it will not come back.', 'info');
    });
  }

  function short(s) {
    return s.length > 60 ? `${s.slice(0, 57)}…` : s;
  }

  // ---- events ----
  editor.addEventListener('click', (e) => {
    const btn = e.target.closest('.type-btn[data-type]');
    if (btn) return void createLabel(btn.dataset.type);
    if (e.target.closest('.set-span')) {
      const id = e.target.closest('[data-label]')?.dataset.label;
      return void (id && setSpan(id));
    }
    const hl = e.target.closest('.hl[data-label]');
    if (hl && window.getSelection()?.isCollapsed) return void markSelected(hl.dataset.label, { scroll: false });
    const sugg = e.target.closest('.sugg-item[data-sugg]');
    if (sugg && !e.target.closest('form, button')) return void markSuggestion(sugg.dataset.sugg);
    const item = e.target.closest('.label-item[data-label]');
    if (item && !e.target.closest('details, form, button, a')) markSelected(item.dataset.label);
  });

  editor.addEventListener('submit', (e) => {
    const form = e.target;
    if (form.dataset.sugg) {
      e.preventDefault();
      return void (form.matches('.sugg-accept') ? acceptSuggestion(form.dataset.sugg) : rejectSuggestion(form.dataset.sugg));
    }
    const id = form.dataset.label;
    if (!id) return;
    e.preventDefault();
    if (form.matches('.delete-form')) return void removeLabel(id);
    if (form.matches('.edit-form')) {
      if (e.submitter?.name === 'confirm') return void confirm(id);
      const data = Object.fromEntries(new FormData(form));
      void act(async () => {
        await call('PATCH', `${api}/labels/${id}`, { type: data.type, speaker: data.speaker, cue: data.cue, sourcing: data.sourcing, note: data.note });
        selectedId = id;
        await refresh();
        say('Saved.', 'ok');
      });
    }
  });

  function labelIds() {
    return [...document.querySelectorAll('#label-list .label-item[data-label]')].map((el) => el.dataset.label);
  }

  document.addEventListener('keydown', (e) => {
    const target = e.target;
    if (target.closest && target.closest('input, textarea, select, [contenteditable="true"]')) {
      if (e.key === 'Escape') {
        target.closest('details')?.removeAttribute('open');
        target.blur();
      }
      return;
    }
    if (document.querySelector('dialog[open]')) return;
    if (e.altKey || e.metaKey) return;
    if (e.ctrlKey) {
      if (e.key === 'z') {
        e.preventDefault();
        void undo();
      }
      return;
    }
    if (e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
      const sel = window.getSelection();
      if (sel && !sel.isCollapsed && article()?.contains(sel.anchorNode)) {
        e.preventDefault();
        sel.modify('extend', e.key === 'ArrowRight' ? 'forward' : 'backward', 'word');
      }
      return;
    }
    if (keyToType.has(e.key)) {
      e.preventDefault();
      return void createLabel(keyToType.get(e.key));
    }
    const ids = labelIds();
    switch (e.key) {
      case 'j':
      case 'k': {
        if (!ids.length) return;
        const i = ids.indexOf(selectedId);
        const next = e.key === 'j' ? (i + 1) % ids.length : (i <= 0 ? ids.length : i) - 1;
        return markSelected(ids[next]);
      }
      case 'Enter':
        if (selectedId) {
          e.preventDefault();
          openForm(selectedId);
        }
        return;
      case 'c':
        if (selectedId && document.getElementById(`label-${selectedId}`)?.classList.contains('needs-review')) void confirm(selectedId);
        return;
      case 's':
        if (selectedId) void setSpan(selectedId);
        return;
      case 'Delete':
      case 'Backspace':
        if (selectedId) {
          e.preventDefault();
          void removeLabel(selectedId);
        }
        return;
      case 'u':
        return void undo();
      case 'n': {
        const sids = suggestionIds();
        if (!sids.length) return say('No suggestions left.', 'info');
        return markSuggestion(sids[(sids.indexOf(selectedSugg) + 1) % sids.length]);
      }
      case 'a':
        if (selectedSugg) void acceptSuggestion(selectedSugg);
        return;
      case 'x':
        if (selectedSugg) void rejectSuggestion(selectedSugg);
        return;
      case 'Escape':
        window.getSelection()?.removeAllRanges();
        for (const d of document.querySelectorAll('details.label-edit[open]')) d.open = false;
        return;
      case '?':
        return void document.getElementById('keys-help')?.showModal();
    }
  });

  // The reviewer name in the top bar is saved as soon as it changes.
  const who = document.querySelector('.whoami input[name="name"]');
  who?.addEventListener('change', () => who.form.requestSubmit());

  const fromHash = location.hash.startsWith('#label-') ? location.hash.slice('#label-'.length) : null;
  if (fromHash) markSelected(fromHash);
})();
