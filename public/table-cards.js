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
