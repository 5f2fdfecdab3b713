import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlToText } from '../convert.js';

/** What a web page yields: its article text (plain, paragraphs kept) and what it says about itself. */
export interface ExtractedArticle {
  text: string;
  title?: string;
  author?: string;
  /** `YYYY-MM-DD`. */
  publishedAt?: string;
  outlet?: string;
  url?: string;
}

/** Short lines that are page furniture rather than article text, dropped from the extracted text. */
const FURNITURE = /^(read more|read next|related( articles| stories)?|more stories|advertisement|share( this)?( article)?|sign up|subscribe)\b.{0,60}$/i;

/** Whether pasted HTML is a whole page (or a page's article markup) worth running Readability on, rather than a fragment. */
export function looksLikePage(html: string): boolean {
  return /<(html|body|head|nav|header|footer|article|main)\b/i.test(html);
}

function meta(document: Document, ...names: string[]): string | undefined {
  for (const name of names) {
    const el = document.querySelector(`meta[property="${name}"], meta[name="${name}"], meta[itemprop="${name}"]`);
    const value = el?.getAttribute('content')?.trim();
    if (value) return value;
  }
  return undefined;
}

function isoDay(value: string | undefined | null): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value?.trim() ?? '');
  return m ? m[1] : undefined;
}

/**
 * Extracts the article of an HTML page with Mozilla's Readability (on a linkedom document), so
 * navigation, footers and asides are dropped; sanitize-html then turns what is left into text.
 * Title: `og:title`, else the first `<h1>`, else Readability's. Author: the byline Readability finds,
 * else the `author` meta. Date: `article:published_time`, else the first `<time datetime>`.
 * Outlet: `og:site_name`. Pure: no IO.
 */
export function extractArticle(html: string, url?: string): ExtractedArticle {
  const { document } = parseHTML(html);
  const ogTitle = meta(document, 'og:title');
  const h1 = document.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim() || undefined;
  const metaAuthor = meta(document, 'author', 'article:author');
  const published = isoDay(meta(document, 'article:published_time', 'datePublished')) ?? isoDay(document.querySelector('time[datetime]')?.getAttribute('datetime'));
  const outlet = meta(document, 'og:site_name');
  const canonical = meta(document, 'og:url');
  const timeText = document.querySelector('time')?.textContent?.replace(/\s+/g, ' ').trim();

  const article = new Readability(document as unknown as Document, { charThreshold: 100 }).parse();
  const body = article?.content ?? html;
  const byline = article?.byline?.replace(/^\s*by\s+/i, '').replace(/\s+/g, ' ').trim() || undefined;
  const title = ogTitle ?? h1 ?? (article?.title?.trim() || undefined);
  // The headline, byline and date lines above the article body repeat the metadata: not text.
  const heading = new Set([title, h1, byline, byline && `By ${byline}`, timeText, timeText && `Published ${timeText}`].filter((x): x is string => !!x).map((x) => x.toLowerCase()));
  const text = htmlToText(body)
    .split('\n')
    .filter((line, i) => !FURNITURE.test(line.trim()) && !(i < 8 && heading.has(line.trim().toLowerCase())))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const out: ExtractedArticle = { text };
  if (title) out.title = title;
  const author = byline ?? metaAuthor;
  if (author) out.author = author;
  const date = published ?? isoDay(article?.publishedTime);
  if (date) out.publishedAt = date;
  if (outlet ?? article?.siteName) out.outlet = (outlet ?? article?.siteName)!;
  const link = url ?? canonical;
  if (link && /^https?:\/\//i.test(link)) out.url = link;
  return out;
}
