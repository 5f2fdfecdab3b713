import { Router, type Request } from 'express';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import type { Corpus } from '../store/corpus.js';
import { addTemplate, agreementOfAnswers, allAnswers, answersOf, listQuestions, putAnswers, putQuestions } from '../services/answers.js';
import type { Answer, AnswerValue, Question } from '../domain/questions/types.js';
import { latestRevision } from '../domain/types.js';
import { badRequest, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { requireRole } from '../auth/middleware.js';

const question = z
  .object({
    id: z.string(),
    text: z.string(),
    kind: z.enum(['single', 'multiple', 'scale', 'text']),
    choices: z.array(z.string()).optional(),
    scaleLabels: z.tuple([z.string().max(60), z.string().max(60)]).optional(),
    source: z.string().max(300).optional(),
  })
  .strict();
const questionsBody = z.object({ questions: z.array(question) }).strict();
const templateBody = z.object({ template: z.string().max(60) }).strict();
const answerValue = z.union([z.string().max(1000), z.array(z.string().max(100)).max(20), z.number(), z.null()]);
const answersBody = z.object({ answers: z.record(z.string().max(64), answerValue), layer: z.literal('gold').optional(), annotator: z.string().optional() }).strict();
const exportQuery = z.object({ format: z.enum(['jsonl', 'csv', 'w3c'], { message: 'must be jsonl, csv or w3c' }).optional() });

function w3c(a: Answer, q: Question | undefined) {
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    id: `urn:framewise:answer:${a.documentId}:${a.questionId}:${encodeURIComponent(a.annotator)}`,
    type: 'Annotation',
    motivation: 'assessing',
    creator: { type: a.annotator === 'gold' ? 'Software' : 'Person', name: a.annotator },
    created: a.at,
    body: [
      { type: 'TextualBody', purpose: 'assessing', value: Array.isArray(a.value) ? a.value.join('; ') : String(a.value), format: 'text/plain' },
      { type: 'TextualBody', purpose: 'describing', value: q?.text ?? a.questionId, format: 'text/plain' },
    ],
    target: `urn:framewise:document:${a.documentId}`,
  };
}

/** Document-level questions (project), their answers per annotator and gold, exports and agreement. */
export function answerRoutes(store: Corpus): Router {
  const router = Router();

  router.get('/api/questions', async (_req, res) => {
    res.json(await listQuestions(store));
  });
  router.put('/api/questions', async (req, res) => {
    res.json(await putQuestions(store, parseWith(questionsBody, req.body ?? {}).questions as Question[]));
  });
  router.post('/api/questions/template', async (req, res) => {
    res.json(await addTemplate(store, parseWith(templateBody, req.body ?? {}).template));
  });

  /** Annotators see only their own answers (blind labelling); editors and admins see every layer. */
  const visible = (req: Request, answers: Answer[]) => {
    const role = (req as Request & { user?: { role?: string } }).user?.role;
    return role === 'annotator' ? answers.filter((a) => a.annotator === actorOf(req)) : answers;
  };

  router.get('/api/documents/:id/answers', async (req, res) => {
    res.json(visible(req, await answersOf(store, String(req.params.id))));
  });
  router.put('/api/documents/:id/answers', async (req, res) => {
    const body = parseWith(answersBody, req.body ?? {});
    if (body.layer === 'gold') requireRole(req.user!, 'editor'); // annotators answer only for themselves
    res.json(await putAnswers(store, String(req.params.id), body.layer ?? actorOf(req), body.answers as Record<string, AnswerValue | null>));
  });

  router.get('/api/answers', async (req, res) => {
    const { format = 'jsonl' } = parseWith(exportQuery, req.query, 'query');
    const { questions, answers } = await allAnswers(store);
    const sorted = [...answers].sort((a, b) => a.documentId.localeCompare(b.documentId) || a.questionId.localeCompare(b.questionId) || a.annotator.localeCompare(b.annotator));
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment('answers.csv').send(stringify([['document_id', 'question_id', 'annotator', 'value', 'answered_at'], ...sorted.map((a) => [a.documentId, a.questionId, a.annotator, Array.isArray(a.value) ? a.value.join('; ') : String(a.value), a.at])]));
    } else if (format === 'w3c') {
      res.type('application/ld+json; charset=utf-8').send(JSON.stringify(sorted.map((a) => w3c(a, questions.find((q) => q.id === a.questionId))), null, 1));
    } else {
      res.type('application/x-ndjson; charset=utf-8').send(sorted.map((a) => JSON.stringify(a)).join('\n') + (sorted.length ? '\n' : ''));
    }
  });

  router.get('/api/answers/agreement', async (_req, res) => {
    res.json(await agreementOfAnswers(store));
  });

  router.get('/documents/:id/questions', async (req, res) => {
    const doc = await store.getDocument(String(req.params.id));
    if (!doc) throw notFound(`no document with id "${String(req.params.id).slice(0, 100)}"`);
    const user = actorOf(req);
    const answers = visible(req, await answersOf(store, doc.id));
    res.render('questions/panel', { title: `Questions · ${doc.meta.title}`, doc, rev: latestRevision(doc).rev, questions: await listQuestions(store), mine: answers.filter((a) => a.annotator === user), others: answers.filter((a) => a.annotator !== user) });
  });

  /**
   * The no-JavaScript answer form (the questions page, the editor's Questions panel). `layer=gold`
   * (editors, from the adjudication page) sets the adjudicated answer; `question=ID` limits the
   * change to that question; `back=editor|adjudicate` says which page to return to.
   */
  router.post('/documents/:id/questions', async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const gold = form.layer === 'gold';
    if (gold) requireRole(req.user!, 'editor'); // annotators answer only for themselves
    const only = typeof form.question === 'string' ? form.question : undefined;
    const all = await listQuestions(store);
    if (only !== undefined && !all.some((q) => q.id === only)) throw badRequest(`question: unknown question "${only.slice(0, 64)}"`, 'invalid_answer');
    const questions = only === undefined ? all : all.filter((q) => q.id === only);
    const values: Record<string, AnswerValue | null> = {};
    for (const q of questions) {
      const raw = form[`q-${q.id}`];
      if (raw === undefined || raw === '') {
        values[q.id] = null;
        continue;
      }
      if (q.kind === 'multiple') values[q.id] = Array.isArray(raw) ? raw.map(String) : [String(raw)];
      else if (q.kind === 'scale') values[q.id] = Number(raw);
      else if (typeof raw === 'string') values[q.id] = raw;
      else throw badRequest(`${q.id}: one value expected`, 'invalid_answer');
    }
    await putAnswers(store, id, gold ? 'gold' : actorOf(req), values);
    const back = form.back === 'editor' ? `/documents/${id}#questions` : form.back === 'adjudicate' ? `/documents/${id}/adjudicate#answers` : `/documents/${id}/questions`;
    res.redirect(303, back);
  });

  return router;
}
