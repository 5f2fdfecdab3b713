// Keys on the adjudication page: j/k move between candidates, a accepts, r rejects, e edits then accepts.
const items = [...document.querySelectorAll('.candidate')];
let current = 0;

function focus(i) {
  if (!items.length) return;
  current = Math.max(0, Math.min(items.length - 1, i));
  items.forEach((el, k) => el.classList.toggle('active', k === current));
  items[current].focus();
  items[current].scrollIntoView({ block: 'nearest' });
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement || event.target instanceof HTMLTextAreaElement) return;
  const item = items[current];
  if (event.key === 'j') focus(current + 1);
  else if (event.key === 'k') focus(current - 1);
  else if (item && (event.key === 'a' || event.key === 'r')) item.querySelector(`[data-key-action="${event.key}"]`)?.click();
  else if (item && event.key === 'e') {
    const details = item.querySelector('details.edit-form');
    if (!details) return;
    details.open = true;
    details.querySelector('select, input:not([type="hidden"])')?.focus();
    event.preventDefault();
  } else return;
});

focus(0);
