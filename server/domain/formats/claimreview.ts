import type { Verdict } from '../types.js';
import type { VerdictSettings } from '../speakers/types.js';
import { numericRating } from '../speakers/verdicts.js';

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
