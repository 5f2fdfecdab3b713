import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';

/** Placeholder: filled in by the revisions work. */
export function revisionRoutes(_store: DocumentStore): Router {
  return Router();
}
