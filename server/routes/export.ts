import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';

/** Placeholder: filled in by the export work. */
export function exportRoutes(_store: DocumentStore): Router {
  return Router();
}
