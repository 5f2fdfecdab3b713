import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';

/** Placeholder: filled in by the import work. */
export function importRoutes(_store: DocumentStore): Router {
  return Router();
}
