// The diff page: "Previous change" / "Next change" links and the keys p / n move through the
// changes of the inline diff, focus the one reached and say where it is ("Change 2 of 7").
document.documentElement.classList.add('js');
const region = document.getElementById('inline-diff');
const marks = region ? [...region.querySelectorAll('.change-mark')] : [];
const nav = document.querySelector('.change-nav');
let current = -1;

function go(index) {
  if (marks.length === 0) return;
  current = (index + marks.length) % marks.length;
  for (const m of marks) m.classList.toggle('current', m === marks[current]);
  const mark = marks[current];
  mark.focus({ preventScroll: true });
  mark.scrollIntoView({ block: 'center' });
  history.replaceState(null, '', `#${mark.id}`);
  nav.querySelector('.change-pos').textContent = `Change ${current + 1} of ${marks.length}`;
  nav.querySelector('.prev-change').href = `#${marks[(current - 1 + marks.length) % marks.length].id}`;
  nav.querySelector('.next-change').href = `#${marks[(current + 1) % marks.length].id}`;
}

if (nav && marks.length) {
  nav.querySelector('.next-change').addEventListener('click', (e) => {
    e.preventDefault();
    go(current + 1);
  });
  nav.querySelector('.prev-change').addEventListener('click', (e) => {
    e.preventDefault();
    go(current === -1 ? marks.length - 1 : current - 1);
  });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
    if (e.key === 'n') go(current + 1);
    else if (e.key === 'p') go(current === -1 ? marks.length - 1 : current - 1);
    else return;
    e.preventDefault();
  });
  // Opened at #change-3 (a shared link): start there.
  const at = marks.findIndex((m) => `#${m.id}` === location.hash);
  if (at !== -1) go(at);
}
