import type { Label } from '../types.js';
import type { SpeakerData, SpeakerRelabel } from './types.js';
import { creditLabel, labelUsesAlias } from './merge.js';

/** The event kind written for each label a relabel moves. */
export const RELABEL_EVENT: Record<SpeakerRelabel['kind'], string> = {
  undo: 'speaker.merge-undone',
  split: 'speaker.split',
  rename: 'speaker.renamed',
};

/** The fields (all strings) each kind of relabel carries besides id, at and actor. */
const RELABEL_FIELDS: Record<SpeakerRelabel['kind'], string[]> = {
  undo: ['mergeId'],
  split: ['from', 'alias', 'to'],
  rename: ['speakerId'],
};

/**
 * Why the `relabels` journal of a speaker file cannot be finished by this release (not a list, an
 * entry of a kind it does not know, a field missing), or `null`; absent is fine.
 */
export function relabelsProblem(relabels: unknown): string | null {
  if (relabels === undefined) return null;
  if (!Array.isArray(relabels)) return 'relabels is not a list';
  for (const [i, job] of relabels.entries()) {
    if (typeof job !== 'object' || job === null || Array.isArray(job)) return `relabels[${i}] is not an object`;
    const j = job as Record<string, unknown>;
    const kind = j.kind;
    if (typeof kind !== 'string' || !Object.hasOwn(RELABEL_FIELDS, kind)) {
      return `relabels[${i}] has kind ${JSON.stringify(kind ?? null)?.slice(0, 60)}, which this release cannot finish (it knows undo, split and rename)`;
    }
    for (const field of ['id', 'at', 'actor', ...RELABEL_FIELDS[kind as SpeakerRelabel['kind']]]) {
      if (typeof j[field] !== 'string') return `relabels[${i}] (${kind}) has no text "${field}"`;
    }
  }
  return null;
}

/**
 * Which labels a relabel still has to move, and how: the label as it should be, or `null` for a
 * label to leave alone. A label already moved (by a first run that failed part-way) is left alone,
 * so running a relabel twice changes nothing the second time. `data` is the speaker data holding `job`.
 */
export function relabelPick(data: SpeakerData, job: SpeakerRelabel): (label: Label) => Label | null {
  const speaker = (id: string) => data.speakers.find((s) => s.id === id);
  switch (job.kind) {
    case 'undo': {
      const m = data.merges.find((x) => x.id === job.mergeId);
      const back = m && speaker(m.from);
      if (!m || !back) return () => null;
      const ids = new Set(m.labels.map((x) => x.labelId));
      return (l) => (ids.has(l.id) && l.speakerId === m.into ? creditLabel(l, back) : null);
    }
    case 'split': {
      const to = speaker(job.to);
      if (!to) return () => null;
      return (l) => (l.speakerId === job.from && labelUsesAlias(l, job.alias) ? creditLabel(l, to) : null);
    }
    case 'rename': {
      const s = speaker(job.speakerId);
      if (!s) return () => null;
      return (l) => {
        if (l.speakerId !== s.id) return null;
        const next = creditLabel(l, s);
        return next.speaker === l.speaker && next.speakerAs === l.speakerAs ? null : next;
      };
    }
    default:
      // Only reachable through a journal changed under a running server (files are checked when opened).
      throw new Error(`the speaker journal holds a relabel this release cannot finish (${relabelsProblem([job]) ?? 'unknown kind'}); fix speakers.json by hand or restore it from a backup`);
  }
}
