import { Router, type Request } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import { agreement } from '../domain/agreement.js';
import { latestRevision } from '../domain/types.js';
import { loadDocumentById } from './documents-api.js';

/** Agreement between annotators, over one document (`?document=`) or the whole corpus. */
export function agreementRoutes(store: DocumentStore): Router {
  const router = Router();
  const compute = (req: Request) => {
    const docId = typeof req.query.document === 'string' && req.query.document !== '' ? req.query.document : null;
    const docs = docId
      ? [loadDocumentById(store, docId)]
      : store.list().map((e) => store.get(e.id)!).filter(Boolean);
    return { docId, pairs: agreement(docs.map((d) => ({ text: latestRevision(d).text, labels: d.labels }))) };
  };

  router.get('/api/agreement', (req, res) => {
    res.json(compute(req).pairs);
  });

  router.get('/agreement', (req, res) => {
    const { docId, pairs } = compute(req);
    res.render('agreement/index', { title: 'Agreement', pairs, docId, documents: store.list() });
  });

  return router;
}
