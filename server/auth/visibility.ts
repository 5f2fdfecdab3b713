import type { DocumentRecord } from '../domain/types.js';
import { layerOf } from '../domain/layers.js';
import type { AuthUser } from './roles.js';
import type { TeamStore } from './team-store.js';
import type { UserStore } from './user-store.js';

/** Whether blind labelling is in force: set on, or `auto` with two or more enabled annotators. */
export function blindFor(users: UserStore, team: TeamStore): boolean {
  const { blind } = team.settings();
  if (blind !== 'auto') return blind === 'on';
  return users.list().filter((u) => u.role === 'annotator' && !u.disabled).length >= 2;
}

/**
 * What `user` may see of `doc`: everything, except for an annotator under blind labelling who has
 * not submitted the document: then only their own layer, and only the history of their own labels.
 */
export function visibleDocument(doc: DocumentRecord, user: AuthUser, users: UserStore, team: TeamStore): DocumentRecord {
  if (user.role !== 'annotator' || !blindFor(users, team) || team.isSubmitted(doc.id, user.username)) return doc;
  const mine = (l: { annotator: string; layer?: string }) => layerOf(l) === user.username;
  return {
    ...doc,
    labels: doc.labels.filter(mine),
    // Superseded revisions keep a snapshot of their labels: those are filtered too.
    revisions: doc.revisions.map((r) => (r.labels ? { ...r, labels: r.labels.filter(mine) } : r)),
    events: doc.events.filter((e) => !e.kind.startsWith('label.') || e.actor === user.username),
  };
}
