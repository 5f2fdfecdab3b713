import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';

/** /documents/:id/adjudicate and the gold-layer API. */
export function adjudicationRoutes(_store: DocumentStore, _project: ProjectStore): Router {
  const router = Router();
  return router;
}
