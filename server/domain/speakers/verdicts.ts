import type { Label } from '../types.js';
import type { VerdictSettings } from './types.js';

/** Label types a verdict can be given to: statements someone made, never the author's opinion. */
export const VERDICT_TYPES = ['direct-quote', 'reported-claim'];
export const MAX_SUMMARY = 300;
export const MAX_EVIDENCE = 20;
export const MAX_URL = 2000;

export interface VerdictInput {
  rating: string;
  summary?: string;
  evidence?: string[];
}

/** Why `label` cannot carry a verdict at all, or `null`. */
export function verdictTargetProblem(label: Label): string | null {
  if (!VERDICT_TYPES.includes(label.type)) return `a verdict rates a statement: only direct quotes and reported claims can get one, not a label of type "${label.type}"`;
  if (label.anchor.state === 'orphaned' || label.quote.exact.trim() === '') return 'this label has no text (its words are gone from the latest revision): re-attach it before rating it';
  return null;
}

/** Why a URL is not usable as evidence, or `null`: absolute http(s) only. */
export function evidenceUrlProblem(url: string): string | null {
  if (url.length > MAX_URL) return `is longer than ${MAX_URL} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url.slice(0, 100)}" is not an absolute URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `"${url.slice(0, 100)}" is not an http(s) URL`;
  return null;
}

/** Why the verdict itself is refused under the project's scale, or `null`. */
export function verdictProblem(input: VerdictInput, settings: VerdictSettings): string | null {
  if (!settings.scale.includes(input.rating)) return `rating: "${input.rating.slice(0, 100)}" is not on the project's scale (${settings.scale.map((r) => `"${r}"`).join(', ')})`;
  if (input.summary !== undefined && (input.summary.length > MAX_SUMMARY || /[\u0000-\u001f\u007f]/.test(input.summary))) return `summary: must be one line of at most ${MAX_SUMMARY} characters`;
  if ((input.evidence?.length ?? 0) > MAX_EVIDENCE) return `evidence: at most ${MAX_EVIDENCE} URLs`;
  for (const [i, url] of (input.evidence ?? []).entries()) {
    const p = evidenceUrlProblem(url);
    if (p) return `evidence.${i}: ${p}`;
  }
  return null;
}

/** Why a verdict scale and organisation cannot be the project's settings, or `null`. */
export function settingsProblem(s: VerdictSettings): string | null {
  if (s.scale.length < 2 || s.scale.length > 12) return 'scale: needs 2 to 12 ratings';
  if (s.scale.some((r) => r.trim() === '' || r.length > 60)) return 'scale: ratings are 1 to 60 characters';
  if (new Set(s.scale).size !== s.scale.length) return 'scale: ratings must be distinct';
  if (s.unratable.some((r) => !s.scale.includes(r))) return 'unratable: every entry must be on the scale';
  if (s.scale.length - s.unratable.length < 2) return 'scale: needs at least 2 ratable ratings';
  if (!s.organization.name.trim() || s.organization.name.length > 200) return 'organization.name: 1 to 200 characters';
  if (s.organization.url !== undefined) {
    const p = evidenceUrlProblem(s.organization.url);
    if (p) return `organization.url: ${p}`;
  }
  return null;
}

/**
 * The numeric form of a rating: ratable ratings count down from `best` (the first on the scale)
 * to 1 (the last ratable one); an unratable one ("unverifiable") has no value.
 */
export function numericRating(settings: VerdictSettings, rating: string): { value: number | null; best: number; worst: number } {
  const ratable = settings.scale.filter((r) => !settings.unratable.includes(r));
  const i = ratable.indexOf(rating);
  return { value: i === -1 ? null : ratable.length - i, best: ratable.length, worst: 1 };
}
