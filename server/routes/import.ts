import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';

/** Placeholder: filled in by the import work. */
export function importRoutes(_store: DocumentStore, _project: ProjectStore): Router {
  return Router();
}
