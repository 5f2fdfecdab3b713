import type { DocEvent, Label, LabelTypeDef } from './types.js';
import { typeName } from './label-types.js';

export interface HistoryLine {
  at: string;
  actor: string;
  labelId?: string;
  /** What happened, in words, e.g. `changed speaker from "A" to "B"`. */
  summary: string;
  /** The text of the label concerned, when there is one. */
  quote?: string;
  /** For a revision: the labels it moved, with their words before and after (one line, not one per label). */
  moved?: { type: string; state: string; oldExact: string; exact: string }[];
}

interface Trail {
  type: string;
  exact?: string;
  anchor?: { state: string };
}

const FIELDS = ['type', 'speaker', 'cue', 'sourcing', 'note'] as const;

/** The event trail as lines a reviewer can read, newest first. */
export function historyLines(events: DocEvent[], types: LabelTypeDef[], limit = 200): HistoryLine[] {
  const out: HistoryLine[] = [];
  let revisionLine: HistoryLine | undefined;
  let revisionKey = '';
  // Oldest first, so each revision's `label.reanchored` events fold into its line.
  for (const e of events) {
    if (e.kind === 'label.reanchored' && revisionLine && revisionKey === `${e.rev}|${e.at}`) {
      const before = e.before as Trail | undefined;
      const after = e.after as Trail | undefined;
      revisionLine.moved!.push({ type: typeName(types, after?.type ?? before?.type ?? ''), state: after?.anchor?.state ?? '?', oldExact: before?.exact ?? '', exact: after?.exact ?? '' });
      continue;
    }
    const line = describe(e, types);
    if (e.kind === 'revision.created') {
      revisionLine = { ...line, moved: [] };
      revisionKey = `${e.rev}|${e.at}`;
      out.push(revisionLine);
    } else out.push(line);
  }
  return out.slice(-limit).reverse();
}

const withArticle = (name: string) => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;

function describe(e: DocEvent, types: LabelTypeDef[]): HistoryLine {
  const before = e.before as Label | undefined;
  const after = e.after as Label | undefined;
  const base = { at: e.at, actor: e.actor, labelId: e.labelId, quote: (after ?? before)?.quote?.exact };
  const name = (l?: Label) => (l ? typeName(types, l.type).toLowerCase() : 'label');
  switch (e.kind) {
    case 'document.created':
      return { ...base, summary: 'added the document' };
    case 'document.meta-updated':
      return { ...base, summary: 'edited the document details' };
    case 'revision.created':
      return { ...base, summary: `saved revision ${e.rev}` };
    case 'label.created':
      return { ...base, summary: `labelled ${withArticle(name(after))}` };
    case 'label.deleted':
      return { ...base, summary: `deleted ${withArticle(name(before))}` };
    case 'label.restored':
      return { ...base, summary: `restored ${withArticle(name(after))}` };
    case 'label.reanchored':
      return { ...base, summary: `re-anchored ${withArticle(name(after))} (${after?.anchor?.state ?? '?'}) on revision ${e.rev}` };
    case 'label.updated':
      return { ...base, summary: changes(before, after, types) };
    default:
      return { ...base, summary: e.kind };
  }
}

function changes(before: Label | undefined, after: Label | undefined, types: LabelTypeDef[]): string {
  if (!before || !after) return 'changed a label';
  const parts: string[] = [];
  for (const f of FIELDS) {
    const a = before[f] ?? '';
    const b = after[f] ?? '';
    if (a === b) continue;
    const show = (v: string) => (f === 'type' ? typeName(types, v) : `“${v.length > 40 ? `${v.slice(0, 39)}…` : v}”`);
    if (!a) parts.push(`set ${f} to ${show(b)}`);
    else if (!b) parts.push(`removed ${f} ${show(a)}`);
    else parts.push(`changed ${f} from ${show(a)} to ${show(b)}`);
  }
  if (before.start !== after.start || before.end !== after.end) parts.push(`moved the span to ${after.start}–${after.end}`);
  if (before.anchor.state !== after.anchor.state && after.anchor.method.startsWith('confirmed')) parts.push('confirmed its position');
  return parts.length ? parts.join(', ') : 'saved a label without changes';
}
