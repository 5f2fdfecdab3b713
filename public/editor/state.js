// What the editor has picked. The picked label is always the focused, highlighted one ("focus is
// the selection"); the picked suggestion is always highlighted in the text and the list.
export const state = {
  docId: '',
  rev: 0,
  part: 1,
  /** id of the label that has focus (or had it last, while a control inside it has focus) */
  selectedId: null,
  /** id of the highlighted suggestion */
  sugg: null,
  /** word selection made with the keyboard or by tapping: offsets { start, end } */
  words: null,
  lastDeleted: null,
  busy: false,
};
