import sanitizeHtml from 'sanitize-html';
import { decodeHTML } from 'entities';
import { marked } from 'marked';
import { normalizeText } from './text.js';

/** Tags that end a line or a paragraph; everything else is inline and only contributes its text. */
const PARAGRAPH_TAGS = ['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'li',
  'table', 'tr', 'section', 'article', 'header', 'footer', 'aside', 'figure', 'figcaption', 'main', 'hr'];
const LINE_TAGS = ['br'];
/** Elements whose content is never text a reader sees. */
const DROPPED_WITH_CONTENT = ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object',
  'svg', 'math', 'head', 'title'];

/**
 * Turns untrusted HTML into clean plain text with paragraph breaks kept.
 * sanitize-html removes scripts, styles, attributes (so event handlers and `javascript:` URLs) and
 * every tag but the structural ones; those become blank lines, then the rest is stripped and the
 * entities decoded.
 */
export function htmlToText(html: string): string {
  const structural = sanitizeHtml(html, {
    allowedTags: [...PARAGRAPH_TAGS, ...LINE_TAGS],
    allowedAttributes: {},
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    disallowedTagsMode: 'discard',
  });
  const blockPattern = new RegExp(`</?(?:${PARAGRAPH_TAGS.join('|')})\\s*/?>`, 'gi');
  const marked_ = structural
    .replace(/\s+/g, ' ')
    .replace(/<li\s*>/gi, '\n- ')
    .replace(blockPattern, '\n\n')
    .replace(/<br\s*\/?>/gi, '\n');
  const stripped = sanitizeHtml(marked_, { allowedTags: [], allowedAttributes: {}, nonTextTags: DROPPED_WITH_CONTENT });
  return tidy(decodeHTML(stripped));
}

/** Markdown to plain text: links keep their text, emphasis markers go, paragraphs stay. */
export function markdownToText(markdown: string): string {
  const html = marked.parse(normalizeText(markdown), { async: false, gfm: true });
  return htmlToText(html);
}

/** Trims every line, keeps at most one blank line between paragraphs, drops blank edges. */
function tidy(text: string): string {
  return normalizeText(text)
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}
