// Text positions in the article. Offsets are UTF-16 code units into the revision's text: every
// `.tx` element holds one text node and carries the offset of its first character in `data-start`.

export const article = () => document.getElementById('article-text');

function txOf(el) {
  return el?.closest?.('.tx') ?? null;
}

/** The text offset of a DOM boundary point (container + offset) inside the article, or null. */
export function boundaryOffset(container, offset) {
  if (container.nodeType === Node.TEXT_NODE) {
    const tx = txOf(container.parentElement);
    return tx ? Number(tx.dataset.start) + offset : null;
  }
  const child = container.childNodes[offset];
  if (child) {
    const tx = child.nodeType === Node.ELEMENT_NODE ? (child.matches('.tx') ? child : child.querySelector('.tx')) : null;
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

/** The current selection inside the article as offsets { start, end }, or null. */
export function selectionOffsets() {
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

function pieces() {
  return [...(article()?.querySelectorAll('.tx') ?? [])].map((el) => ({ el, start: Number(el.dataset.start), end: Number(el.dataset.start) + el.textContent.length }));
}

/** A DOM Range over the offsets [start, end), or null when they are not drawn on this page. */
export function rangeFor(start, end) {
  const ps = pieces();
  const a = ps.find((p) => start >= p.start && start < p.end);
  const b = ps.find((p) => end > p.start && end <= p.end);
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a.el.firstChild, start - a.start);
  range.setEnd(b.el.firstChild, end - b.start);
  return range;
}

/** Shows [start, end) as the browser's selection, so the type keys and `s` act on it. */
export function selectOffsets(start, end) {
  const range = rangeFor(start, end);
  if (!range) return false;
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  range.startContainer.parentElement?.scrollIntoView({ block: 'nearest' });
  return true;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’\-]*/gu;

/** Every word drawn on the page as [start, end) offsets, in text order. */
export function words() {
  const out = [];
  for (const p of pieces()) {
    for (const m of p.el.textContent.matchAll(WORD)) {
      const s = p.start + m.index;
      const prev = out[out.length - 1];
      // a word cut by a label boundary continues in the next piece
      if (prev && prev.end === s) prev.end = s + m[0].length;
      else out.push({ start: s, end: s + m[0].length });
    }
  }
  return out;
}

/** The offset under a point of the screen (a tap or a click), or null outside the text. */
export function offsetAtPoint(x, y) {
  const pos = document.caretRangeFromPoint?.(x, y);
  if (!pos || !article()?.contains(pos.startContainer)) return null;
  return boundaryOffset(pos.startContainer, pos.startOffset);
}

/** The word containing `offset` (or the nearest one after it), or null. */
export function wordAt(offset) {
  const ws = words();
  return ws.find((w) => offset >= w.start && offset < w.end) ?? ws.find((w) => w.start >= offset) ?? null;
}
