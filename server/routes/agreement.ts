import { Router, type Request } from 'express';
import type { Corpus } from '../store/corpus.js';
import type { TeamStore } from '../auth/team-store.js';
import { combine, documentStats, MAX_AGREEMENT_ANNOTATORS, type DocumentStats } from '../domain/agreement.js';
import { isDocumentId } from '../domain/schema.js';
import { latestRevision, type DocumentRecord } from '../domain/types.js';
import { everyDocument } from '../services/corpus-pass.js';
import { badRequest, notFound } from '../http-error.js';

type Figures = Awaited<ReturnType<typeof figuresOf>>;

/**
 * Agreement between annotators, over one document (`?document=`) or the whole corpus. The corpus
 * figures come from one pass over the documents that have labels or assignments, read one at a
 * time; they are kept until a document or an assignment changes (per-document statistics are
 * kept per document version too).
 */
export function agreementRoutes(store: Corpus, team: TeamStore): Router {
  const router = Router();
  const cache = new Map<string, { version: string; stats: DocumentStats }>();
  let corpus: { key: string; figures: Promise<Figures> } | null = null;

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

  const corpusFigures = async (): Promise<Figures> => {
    const assignments = team.allAssignments();
    const key = `${store.generation}:${JSON.stringify(assignments)}`;
    if (corpus?.key !== key) {
      const figures = (async () => {
        const docs: Array<{ doc: Pick<DocumentRecord, 'id' | 'meta'>; stats: DocumentStats }> = [];
        const seen = new Set<string>();
        for await (const doc of everyDocument(store, (s) => s.labelCount > 0 || Object.keys(assignments[s.id] ?? {}).length > 0)) {
          seen.add(doc.id);
          docs.push({ doc: { id: doc.id, meta: doc.meta }, stats: statsOf(doc) });
        }
        for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
        return figuresOf(null, docs);
      })();
      corpus = { key, figures };
      figures.catch(() => { if (corpus?.figures === figures) corpus = null; });
    }
    return corpus.figures;
  };

  const compute = async (req: Request): Promise<Figures> => {
    const docId = typeof req.query.document === 'string' && req.query.document !== '' ? req.query.document : null;
    if (docId === null) return corpusFigures();
    if (!isDocumentId(docId)) throw badRequest(`"${docId.slice(0, 100)}" is not a valid document id`, 'invalid_id');
    const doc = await store.getDocument(docId);
    if (!doc) throw notFound(`no document with id "${docId}"`);
    return figuresOf(docId, [{ doc, stats: statsOf(doc) }]);
  };

  router.get('/api/agreement', async (req, res) => {
    res.json(await compute(req));
  });

  router.get('/agreement', async (req, res) => {
    const figures = await compute(req);
    // The documents to choose from: those with figures, and the one shown.
    const catalogue = figures.documents.map((d) => ({ id: d.id, title: d.title }));
    if (figures.document && !catalogue.some((d) => d.id === figures.document)) {
      catalogue.unshift({ id: figures.document, title: store.summary(figures.document)?.title ?? figures.document });
    }
    res.render('agreement/index', { title: 'Agreement', figures, docId: figures.document, catalogue });
  });

  return router;
}

/** The figures of `docs` (one document's, or the corpus's). */
function figuresOf(docId: string | null, all: Array<{ doc: Pick<DocumentRecord, 'id' | 'meta'>; stats: DocumentStats }>) {
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
}
