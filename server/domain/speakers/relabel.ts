import type { Label } from '../types.js';
import type { SpeakerData, SpeakerRelabel } from './types.js';
import { creditLabel, labelUsesAlias } from './merge.js';

/** The event kind written for each label a relabel moves. */
export const RELABEL_EVENT: Record<SpeakerRelabel['kind'], string> = {
  undo: 'speaker.merge-undone',
  split: 'speaker.split',
  rename: 'speaker.renamed',
};

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
  }
}
