import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';

/** Placeholder: filled in by the compare work. */
export function compareRoutes(_store: DocumentStore): Router {
  return Router();
}
