/** A person or body that statements are credited to (one record, whatever the spelling used). */
export interface Speaker {
  /** `sp-` and a uuid. */
  id: string;
  /** Canonical name, without title: "Antony Blinken". */
  name: string;
  /** Every spelling that resolves to this speaker, the canonical name included. */
  aliases: string[];
  /** Title or affiliation read off a name ("Secretary of State"), or set by an editor. */
  role?: string;
  /** Wikidata item id, `Q` and digits. */
  wikidata?: string;
  /** http(s) page about the speaker. */
  url?: string;
  /** Set when an editor merged this speaker into another one; such a speaker is hidden and resolves to that one. */
  mergedInto?: string;
  createdAt: string;
}

/** One merge, kept so it can be listed and undone. */
export interface SpeakerMerge {
  id: string;
  at: string;
  actor: string;
  from: string;
  into: string;
  /** Aliases `into` gained from `from`. */
  aliasesAdded: string[];
  /** The labels that moved, so an undo moves exactly them back. */
  labels: { documentId: string; labelId: string }[];
  undoneAt?: string;
  undoneBy?: string;
  /**
   * Set while the labels are being moved: the speaker file records the merge (and `from.mergedInto`)
   * before any document is written, so readers already credit `into`; a merge left pending by a
   * failed write is finished by the next merge, undo, split or rename, or by retrying the same merge.
   */
  pending?: true;
}

/** Project settings for claim verdicts and ClaimReview export. */
export interface VerdictSettings {
  /** Ratings from best to worst; the last one may be a "cannot say" rating (see `unratable`). */
  scale: string[];
  /** Ratings outside the numeric best-worst scale (ratingValue is omitted for them in ClaimReview). */
  unratable: string[];
  /** The fact-checking organisation named as ClaimReview `author`. */
  organization: { name: string; url?: string };
}

export const DEFAULT_VERDICT_SETTINGS: VerdictSettings = {
  scale: ['true', 'mostly true', 'mixed', 'mostly false', 'false', 'unverifiable'],
  unratable: ['unverifiable'],
  organization: { name: 'Framewise project' },
};

/**
 * The journal of an undo, split or rename: the labels still to relabel. The speaker file is written
 * first with the operation's outcome and this entry (readers already see the new speakers), then
 * the documents one by one, then the entry is removed. A write that fails part-way leaves it; the
 * next speaker operation (or the same one retried) finishes it, idempotently: only labels still to
 * move are picked (see relabel.ts).
 */
export type SpeakerRelabel = { id: string; at: string; actor: string } & (
  /** Merge `mergeId` was undone: the labels it moved, still credited to its `into`, go back to its `from`. */
  | { kind: 'undo'; mergeId: string }
  /** `alias` was split off speaker `from` into the new speaker `to`: labels of `from` written with that alias follow. */
  | { kind: 'split'; from: string; alias: string; to: string }
  /** Speaker `speakerId` was renamed: its labels take the new name. */
  | { kind: 'rename'; speakerId: string }
);

export interface SpeakerData {
  speakers: Speaker[];
  merges: SpeakerMerge[];
  verdictSettings: VerdictSettings;
  /** Relabels not finished yet (absent when there is none). */
  relabels?: SpeakerRelabel[];
}
