/**
 * Paste detection: does text sent as plain text read like HTML or Markdown source? Used to warn
 * before such text is stored with its markup as words (README: "Add document").
 *
 * HTML is recognised by
 *  - a document tag: `<!DOCTYPE html>`, `<html …>`, `<head …>` or `<body …>` (one is enough), or
 *  - balanced element pairs (`<p>…</p>`, `<a href>…</a>`; only names of HTML elements count, and a
 *    closing tag counts only after an unmatched opening tag of the same name): at least
 *    HTML_MIN_PAIRS of them, and at least HTML_MIN_TAGS_PER_1000 tags per 1,000 characters, so that
 *    a long text quoting a few tags is not taken for a page.
 * Markdown needs at least MARKDOWN_MIN_KINDS different kinds of signal, never one alone:
 *  ATX headings (`# Title`), list items (at least 2 lines `- x`, `* x`, `+ x` or `1. x`), links or
 *  images (`[words](http…)`), emphasis (at least 2 spans `**x**`, `__x__`, `*x*` or `_x_`),
 *  fenced code (a ``` or ~~~ line with its closing fence).
 * A stray `<` (`3 < 5`, `<3`) or `*` (`5* hotel`, `*Names changed`) makes no signal.
 * Counts are of matches in the whole text; lengths are in UTF-16 code units.
 */

export const HTML_MIN_PAIRS = 3;
export const HTML_MIN_TAGS_PER_1000 = 1;
export const MARKDOWN_MIN_KINDS = 2;
export const MARKDOWN_MIN_LIST_ITEMS = 2;
export const MARKDOWN_MIN_EMPHASIS = 2;

export type PastedMarkup = 'html' | 'markdown';

export interface PasteDetection {
  /** What the text looks like. */
  looksLike: PastedMarkup;
  /** What was seen, each as a short phrase for a person ("a <body> tag", "3 headings (# …)"). */
  seen: string[];
}

/** Names of HTML elements whose tags count towards "balanced tags". */
const ELEMENTS = new Set(
  ('a abbr address article aside b blockquote br caption cite code dd div dl dt em figcaption figure footer form h1 h2 h3 h4 h5 h6 ' +
    'header hr i img label li main mark nav ol p pre q s section small span strong sub sup table tbody td tfoot th thead time tr u ul')
    .split(' '),
);
const VOID = new Set(['br', 'hr', 'img']);

/** What the pasted text looks like, or `null` when it reads as plain text. HTML wins over Markdown. */
export function detectPastedMarkup(text: string): PasteDetection | null {
  return detectHtml(text) ?? detectMarkdown(text);
}

function detectHtml(text: string): PasteDetection | null {
  const seen: string[] = [];
  if (/<!doctype\s+html\b/i.test(text)) seen.push('a <!DOCTYPE html> line');
  for (const name of ['html', 'head', 'body']) {
    if (new RegExp(`<${name}(?:\\s[^<>]{0,2000})?>`, 'i').test(text)) seen.push(`a <${name}> tag`);
  }

  const open = new Map<string, number>();
  const pairs = new Map<string, number>();
  let tags = 0;
  for (const m of text.matchAll(/<(\/?)([a-z][a-z0-9]{0,9})(?:\s[^<>]{0,2000})?\/?>/gi)) {
    const name = m[2].toLowerCase();
    if (!ELEMENTS.has(name)) continue;
    tags++;
    if (VOID.has(name)) continue;
    if (m[1] === '') open.set(name, (open.get(name) ?? 0) + 1);
    else if ((open.get(name) ?? 0) > 0) {
      open.set(name, open.get(name)! - 1);
      pairs.set(name, (pairs.get(name) ?? 0) + 1);
    }
  }
  const pairCount = [...pairs.values()].reduce((a, b) => a + b, 0);
  const dense = tags * 1000 >= HTML_MIN_TAGS_PER_1000 * text.length;
  if (pairCount >= HTML_MIN_PAIRS && dense) {
    const examples = [...pairs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n]) => `<${n}>…</${n}>`);
    seen.push(`${pairCount} tag pairs such as ${examples.join(', ')}`);
  }
  return seen.length > 0 ? { looksLike: 'html', seen } : null;
}

function detectMarkdown(text: string): PasteDetection | null {
  const seen: string[] = [];
  const count = (re: RegExp) => [...text.matchAll(re)].length;

  const headings = count(/^ {0,3}#{1,6}[ \t]+\S/gm);
  if (headings > 0) seen.push(plural(headings, 'heading', 'headings') + ' (# …)');

  const items = count(/^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S/gm);
  if (items >= MARKDOWN_MIN_LIST_ITEMS) seen.push(plural(items, 'list item', 'list items') + ' (- …)');

  const links = count(/!?\[[^\]\n]{1,500}\]\((?:https?:\/\/|mailto:|\/)[^()\s]{0,2000}(?:\s+"[^"\n]*")?\)/gi);
  if (links > 0) seen.push(plural(links, 'link', 'links') + ' [words](http…)');

  const emphasis =
    count(/(?<![\w*])\*\*(?![\s*])[^*\n]{1,500}?(?<![\s*])\*\*(?![\w*])/g) +
    count(/(?<![\w_])__(?![\s_])[^_\n]{1,500}?(?<![\s_])__(?![\w_])/g) +
    count(/(?<![\w*])\*(?![\s*])[^*\n]{1,500}?(?<![\s*])\*(?![\w*])/g) +
    count(/(?<![\w_])_(?![\s_])[^_\n]{1,500}?(?<![\s_])_(?![\w_])/g);
  if (emphasis >= MARKDOWN_MIN_EMPHASIS) seen.push(plural(emphasis, 'emphasised span', 'emphasised spans') + ' (*words*, **words**)');

  const fences = count(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\1[ \t]*$/gm);
  if (fences > 0) seen.push(plural(fences, 'fenced code block', 'fenced code blocks') + ' (```)');

  return seen.length >= MARKDOWN_MIN_KINDS ? { looksLike: 'markdown', seen } : null;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n.toLocaleString('en')} ${many}`;
}
