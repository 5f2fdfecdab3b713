// Small helpers every page loads (views/layout/footer.ejs).

// On narrow screens every table.doc-list (and the account tables) reflows into one card per row
// (style.css); each cell then shows its column heading, copied here from the table's head.
for (const table of document.querySelectorAll('table')) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.replace(/[▲▼]/g, '').trim());
  if (heads.length === 0) continue;
  for (const row of table.querySelectorAll('tbody tr')) {
    let column = 0;
    for (const cell of row.children) {
      const head = heads[column];
      if (head && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', head);
      column += Number(cell.getAttribute('colspan') ?? 1);
    }
  }
}

// On phones the top bar's links scroll sideways: bring the current page's link into view.
const nav = document.querySelector('.topbar nav');
const current = nav?.querySelector('a.current');
if (nav && current && nav.scrollWidth > nav.clientWidth) {
  nav.scrollLeft = current.offsetLeft - nav.offsetLeft - 8;
}
