import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';

export function labelsApi(_store: DocumentStore, _project: ProjectStore): Router {
  return Router({ mergeParams: true });
}
