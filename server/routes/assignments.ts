import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { UserStore } from '../auth/user-store.js';
import type { TeamStore } from '../auth/team-store.js';

/** Assignments, submission and the annotator's queue. */
export function assignmentRoutes(_store: DocumentStore, _users: UserStore, _team: TeamStore): Router {
  const router = Router();
  return router;
}
