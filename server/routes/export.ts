import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';

/** Placeholder: filled in by the export work. */
export function exportRoutes(_store: DocumentStore, _project: ProjectStore): Router {
  return Router();
}
