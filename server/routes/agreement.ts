import { Router, type Request } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { TeamStore } from '../auth/team-store.js';
import { combine, documentStats, MAX_AGREEMENT_ANNOTATORS, type DocumentStats } from '../domain/agreement.js';
import { latestRevision, type DocumentRecord } from '../domain/types.js';
import { loadDocumentById } from './documents-api.js';

/** Agreement between annotators, over one document (`?document=`) or the whole corpus; per-document statistics cached per document version. */
export function agreementRoutes(store: DocumentStore, team: TeamStore): Router {
  const router = Router();
  const cache = new Map<string, { version: string; stats: DocumentStats }>();

  const statsOf = (doc: DocumentRecord): DocumentStats => {
    const assigned = Object.keys(team.assignmentsOf(doc.id)).sort();
    // A label change always appends an event, a text change a revision: together they name the version.
    const version = `${latestRevision(doc).rev}:${doc.events.length}:${assigned.join(',')}`;
    const hit = cache.get(doc.id);
    if (hit && hit.version === version) return hit.stats;
    const stats = documentStats({ id: doc.id, text: latestRevision(doc).text, labels: doc.labels, assigned });
    cache.set(doc.id, { version, stats });
    return stats;
  };

  const compute = (req: Request) => {
    const docId = typeof req.query.document === 'string' && req.query.document !== '' ? req.query.document : null;
    const entries = store.list();
    const docs = docId ? [loadDocumentById(store, docId)] : entries.map((e) => store.get(e.id)).filter((d): d is DocumentRecord => d !== null);
    if (!docId) for (const id of cache.keys()) if (!entries.some((e) => e.id === id)) cache.delete(id);
    const all = docs.map((d) => ({ doc: d, stats: statsOf(d) }));
    const used = all.filter((x) => !x.stats.tooMany && x.stats.annotators.length >= 2);
    const overall = combine(used.map((x) => x.stats));
    const documents = used
      .map(({ doc, stats }) => {
        const one = combine([stats]);
        return { id: doc.id, title: doc.meta.title, annotators: stats.annotators, alpha: one.alpha, pairs: one.pairs };
      })
      .sort((a, b) => (a.alpha ?? 2) - (b.alpha ?? 2) || a.title.localeCompare(b.title));
    const skipped = all.filter((x) => x.stats.tooMany).map((x) => ({ id: x.doc.id, annotators: x.stats.annotators.length }));
    const annotators = [...new Set(used.flatMap((x) => x.stats.annotators))].sort();
    return { document: docId, annotators, ...overall, documents, skipped, maxAnnotatorsPerDocument: MAX_AGREEMENT_ANNOTATORS };
  };

  router.get('/api/agreement', (req, res) => {
    res.json(compute(req));
  });

  router.get('/agreement', (req, res) => {
    const figures = compute(req);
    res.render('agreement/index', { title: 'Agreement', figures, docId: figures.document, catalogue: store.list() });
  });

  return router;
}
