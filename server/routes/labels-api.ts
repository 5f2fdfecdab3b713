import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';

export function labelsApi(_store: DocumentStore): Router {
  return Router({ mergeParams: true });
}
