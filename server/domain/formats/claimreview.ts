import type { DocumentRecord, Label, Verdict } from '../types.js';
import type { VerdictSettings } from '../speakers/types.js';
import { numericRating } from '../speakers/verdicts.js';
import { sortLabels } from './exportable.js';
import type { ExportContext, Format } from './format.js';

/** One verdict with what ClaimReview says about it. */
export interface ClaimReviewInput {
  verdict: Verdict;
  /** The statement's exact words. */
  text: string;
  speaker?: { name: string; wikidata?: string; url?: string };
  article: { title: string; url?: string; publishedAt?: string; outlet?: string };
  /** Absolute URL of the page showing this verdict (the label in the editor). */
  reviewUrl: string;
}

/**
 * schema.org ClaimReview JSON-LD for one verdict (Google's fact-check structured data: required
 * `claimReviewed`, `reviewRating.alternateName`, `url`; recommended `itemReviewed` Claim with
 * `author`, `datePublished`, `appearance`, and the review's `author` and `datePublished`).
 * An unratable rating ("unverifiable") has no `ratingValue`. Dates are `YYYY-MM-DD`.
 */
export function claimReview(input: ClaimReviewInput, settings: VerdictSettings): Record<string, unknown> {
  const { value, best, worst } = numericRating(settings, input.verdict.rating);
  const { speaker, article } = input;
  const claimAuthor = speaker
    ? {
        '@type': 'Person',
        name: speaker.name,
        ...(speaker.wikidata || speaker.url ? { sameAs: [...(speaker.wikidata ? [`https://www.wikidata.org/wiki/${speaker.wikidata}`] : []), ...(speaker.url ? [speaker.url] : [])] } : {}),
      }
    : undefined;
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: input.reviewUrl,
    claimReviewed: input.text,
    datePublished: input.verdict.at.slice(0, 10),
    author: { '@type': 'Organization', name: settings.organization.name, ...(settings.organization.url ? { url: settings.organization.url } : {}) },
    reviewRating: {
      '@type': 'Rating',
      ...(value === null ? {} : { ratingValue: value }),
      bestRating: best,
      worstRating: worst,
      alternateName: input.verdict.rating,
    },
    ...(input.verdict.summary ? { reviewBody: input.verdict.summary } : {}),
    ...(input.verdict.evidence?.length ? { citation: input.verdict.evidence.map((url) => ({ '@type': 'CreativeWork', url })) } : {}),
    itemReviewed: {
      '@type': 'Claim',
      ...(claimAuthor ? { author: claimAuthor } : {}),
      ...(article.publishedAt ? { datePublished: article.publishedAt } : {}),
      appearance: {
        '@type': 'CreativeWork',
        headline: article.title,
        ...(article.url ? { url: article.url } : {}),
        ...(article.publishedAt ? { datePublished: article.publishedAt } : {}),
        ...(article.outlet ? { publisher: { '@type': 'Organization', name: article.outlet } } : {}),
      },
    },
  };
}

/** The ClaimReview input for one label with a verdict, its speaker looked up (following merges) in `ctx`. */
export function claimReviewInput(doc: DocumentRecord, l: Label & { verdict: Verdict }, ctx: Pick<ExportContext, 'speakerOf' | 'baseUrl'>): ClaimReviewInput {
  const sp = l.speakerId ? ctx.speakerOf(l.speakerId) : null;
  const speaker = sp ? { name: sp.name, ...(sp.wikidata ? { wikidata: sp.wikidata } : {}), ...(sp.url ? { url: sp.url } : {}) } : l.speaker ? { name: l.speaker } : undefined;
  const { meta } = doc;
  return {
    verdict: l.verdict,
    text: l.quote.exact,
    ...(speaker ? { speaker } : {}),
    article: { title: meta.title, ...(meta.url ? { url: meta.url } : {}), ...(meta.publishedAt ? { publishedAt: meta.publishedAt } : {}), ...(meta.outlet ? { outlet: meta.outlet } : {}) },
    reviewUrl: `${ctx.baseUrl}/documents/${encodeURIComponent(doc.id)}#label-${l.id}`,
  };
}

/**
 * `format=claimreview`: a JSON array, one ClaimReview a line, for every verdict on the labels the
 * export keeps (documents in id order, labels in reading order). `url` is absolute when the export
 * knows the site's address (the request's host; the CLI's `--base-url`).
 */
export const claimReviewFormat: Format = {
  name: 'claimreview',
  description: 'export only: schema.org `ClaimReview` JSON-LD, a JSON array with one review per claim verdict (rating, summary, evidence, the claim\'s speaker and article)',
  extension: 'jsonld',
  contentType: 'application/ld+json; charset=utf-8',
  encode: {
    kind: 'text',
    create: (ctx) => {
      let first = true;
      return {
        head: () => '[',
        document: (doc) => {
          let out = '';
          for (const l of sortLabels(doc.labels)) {
            if (!l.verdict) continue;
            ctx.report.labels++;
            out += `${first ? '\n' : ',\n'}${JSON.stringify(claimReview(claimReviewInput(doc, l as Label & { verdict: Verdict }, ctx), ctx.verdictSettings))}`;
            first = false;
          }
          return out;
        },
        tail: () => '\n]\n',
      };
    },
  },
};
