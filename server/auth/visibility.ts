import type { DocumentRecord } from '../domain/types.js';
import { onlyLayer } from '../domain/layers.js';
import type { AuthUser } from './roles.js';
import type { TeamStore } from './team-store.js';
import type { UserStore } from './user-store.js';

/** Whether blind labelling is in force: set on, or `auto` with two or more enabled annotators. */
export function blindFor(users: UserStore, team: TeamStore): boolean {
  const { blind } = team.settings();
  if (blind !== 'auto') return blind === 'on';
  return users.list().filter((u) => u.role === 'annotator' && !u.disabled).length >= 2;
}

/** Whether `user` is an annotator under blind labelling: then figures over every layer are kept from them. */
export function isBlindAnnotator(user: AuthUser, users: UserStore, team: TeamStore): boolean {
  return user.role === 'annotator' && blindFor(users, team);
}

/**
 * What `user` may see of `doc`: everything, except for an annotator under blind labelling who has
 * not submitted the document: then only their own layer and its history (domain/layers.ts `onlyLayer`).
 */
export function visibleDocument(doc: DocumentRecord, user: AuthUser, users: UserStore, team: TeamStore): DocumentRecord {
  if (!isBlindAnnotator(user, users, team) || team.isSubmitted(doc.id, user.username)) return doc;
  return onlyLayer(doc, user.username);
}

/**
 * The speaker names a blind annotator may be offered (speaker list, suggestions): those on the labels
 * they may see on the documents assigned to them, most used first. Speaker entities are not offered
 * to them: an entity is made from whichever label first named it, and does not record whose.
 * `null` for everyone else: every name in the corpus.
 */
export async function visibleSpeakerNames(user: AuthUser, users: UserStore, team: TeamStore, get: (id: string) => Promise<DocumentRecord | undefined | null>): Promise<string[] | null> {
  if (!isBlindAnnotator(user, users, team)) return null;
  const counts = new Map<string, number>();
  for (const [docId, byUser] of Object.entries(team.allAssignments())) {
    if (!byUser[user.username]) continue;
    const doc = await get(docId);
    if (!doc) continue;
    for (const l of visibleDocument(doc, user, users, team).labels) if (l.speaker) counts.set(l.speaker, (counts.get(l.speaker) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}
