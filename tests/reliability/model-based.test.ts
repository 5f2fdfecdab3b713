/**
 * Model-based tests of the label and text-revision endpoints: fast-check draws random sequences
 * of operations (valid, stale, invalid), runs each against the real app over a real data folder
 * and against a small model, and after every step the document file on disk must equal the model.
 * A failure prints the seed and the shrunk sequence; replay it with `fc.assert(..., { seed, path })`.
 */
import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { createDocument } from '../../server/domain/documents.js';
import { readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';

const DOC = 'model-doc';
const BASE_TEXT = 'Alpha said the plan “will work”, officials said. Critics 😀 called it reckless; others were unsure.\nA second paragraph follows here.';
const TYPES = ['direct-quote', 'reported-claim', 'opinion'] as const;

interface ModelLabel {
  id: string;
  start: number;
  end: number;
  type: string;
  note?: string;
}
interface Model {
  text: string;
  rev: number;
  labels: ModelLabel[];
  /** Deleted labels that can still be restored (deleted on the current revision). */
  deleted: (ModelLabel & { rev: number })[];
}
type Real = Awaited<ReturnType<typeof startTestApp>>;

/** Word spans of a text, as UTF-16 [start, end): always valid label spans. */
const words = (text: string) => [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
const pick = <T>(items: T[], n: number): T => items[n % items.length];

/** The disk must say exactly what the model says. */
async function check(m: Model, r: Real): Promise<void> {
  const doc = await readDocFile(r.dataDir, DOC);
  const latest = doc.revisions[doc.revisions.length - 1];
  expect([latest.rev, latest.text]).toEqual([m.rev, m.text]);
  const stored = doc.labels.map((l) => ({ id: l.id, start: l.start, end: l.end, type: l.type, ...(l.note ? { note: l.note } : {}) }));
  expect(stored).toEqual(m.labels);
  for (const l of doc.labels) {
    expect([l.rev, l.quote.exact]).toEqual([m.rev, m.text.slice(l.start, l.end)]);
  }
  expect(r.store.get(DOC)).toEqual(doc);
}

/** Asserts a refused request changed nothing on disk. */
async function refused(r: Real, send: () => Promise<{ status: number; body: { error?: { code: string } } }>, status: number, code: string) {
  const before = await snapshotDir(r.dataDir);
  const res = await send();
  expect([res.status, res.body.error?.code]).toEqual([status, code]);
  expect(await snapshotDir(r.dataDir)).toEqual(before);
}

class CreateLabel implements fc.AsyncCommand<Model, Real> {
  constructor(readonly word: number, readonly type: number, readonly note: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const w = pick(words(m.text), this.word);
    const body = { start: w.start, end: w.end, type: TYPES[this.type], rev: m.rev, ...(this.note ? { note: this.note } : {}) };
    const res = await r.http.post(`/api/documents/${DOC}/labels`).send(body);
    expect(res.status).toBe(201);
    m.labels.push({ id: res.body.id, start: w.start, end: w.end, type: TYPES[this.type], ...(this.note.trim() ? { note: this.note.trim() } : {}) });
    await check(m, r);
  }
  toString = () => `create(word ${this.word}, ${TYPES[this.type]}, ${JSON.stringify(this.note)})`;
}

class CreateStale implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.rev > 1;
  async run(m: Model, r: Real) {
    const w = words(m.text)[0];
    await refused(r, () => r.http.post(`/api/documents/${DOC}/labels`).send({ start: w.start, end: w.end, type: 'opinion', rev: m.rev - 1 }), 409, 'conflict');
    await check(m, r);
  }
  toString = () => 'createOnStaleRev';
}

class CreateOutOfRange implements fc.AsyncCommand<Model, Real> {
  constructor(readonly past: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    await refused(r, () => r.http.post(`/api/documents/${DOC}/labels`).send({ start: 0, end: m.text.length + this.past, type: 'opinion', rev: m.rev }), 400, 'invalid_span');
    await check(m, r);
  }
  toString = () => `createPastTheEnd(+${this.past})`;
}

class PatchNote implements fc.AsyncCommand<Model, Real> {
  constructor(readonly label: number, readonly note: string) {}
  check = (m: Readonly<Model>) => m.labels.length > 0;
  async run(m: Model, r: Real) {
    const l = pick(m.labels, this.label);
    const res = await r.http.patch(`/api/documents/${DOC}/labels/${l.id}`).send({ note: this.note });
    expect(res.status).toBe(200);
    if (this.note.trim()) l.note = this.note.trim();
    else delete l.note;
    await check(m, r);
  }
  toString = () => `patchNote(label ${this.label}, ${JSON.stringify(this.note)})`;
}

class PatchSpan implements fc.AsyncCommand<Model, Real> {
  constructor(readonly label: number, readonly word: number) {}
  check = (m: Readonly<Model>) => m.labels.length > 0;
  async run(m: Model, r: Real) {
    const l = pick(m.labels, this.label);
    const w = pick(words(m.text), this.word);
    const res = await r.http.patch(`/api/documents/${DOC}/labels/${l.id}`).send({ start: w.start, end: w.end, rev: m.rev });
    expect(res.status).toBe(200);
    Object.assign(l, w);
    await check(m, r);
  }
  toString = () => `patchSpan(label ${this.label}, word ${this.word})`;
}

class DeleteLabel implements fc.AsyncCommand<Model, Real> {
  constructor(readonly label: number) {}
  check = (m: Readonly<Model>) => m.labels.length > 0;
  async run(m: Model, r: Real) {
    const l = pick(m.labels, this.label);
    const res = await r.http.delete(`/api/documents/${DOC}/labels/${l.id}`);
    expect(res.status).toBe(200);
    m.labels.splice(m.labels.indexOf(l), 1);
    m.deleted.push({ ...l, rev: m.rev });
    await check(m, r);
  }
  toString = () => `delete(label ${this.label})`;
}

class RestoreLabel implements fc.AsyncCommand<Model, Real> {
  constructor(readonly label: number) {}
  check = (m: Readonly<Model>) => m.deleted.length > 0;
  async run(m: Model, r: Real) {
    const l = pick(m.deleted, this.label);
    if (l.rev !== m.rev) {
      await refused(r, () => r.http.post(`/api/documents/${DOC}/labels/${l.id}/restore`), 409, 'conflict');
    } else {
      const res = await r.http.post(`/api/documents/${DOC}/labels/${l.id}/restore`);
      expect(res.status).toBe(201);
      const { rev: _rev, ...label } = l;
      m.labels.push(label);
    }
    m.deleted.splice(m.deleted.indexOf(l), 1);
    await check(m, r);
  }
  toString = () => `restore(deleted ${this.label})`;
}

class DeleteUnknown implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    await refused(r, () => r.http.delete(`/api/documents/${DOC}/labels/00000000-0000-4000-8000-000000000000`), 404, 'not_found');
    await check(m, r);
  }
  toString = () => 'deleteUnknown';
}

/** A new revision that adds a paragraph before (every label shifts by its length) or after the text. */
class Revise implements fc.AsyncCommand<Model, Real> {
  constructor(readonly addition: string, readonly before: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const text = this.before ? `${this.addition}\n\n${m.text}` : `${m.text}\n\n${this.addition}`;
    const res = await r.http.put(`/api/documents/${DOC}/text`).send({ text, baseRev: m.rev });
    expect([res.status, res.body.created]).toEqual([201, true]);
    const shift = this.before ? this.addition.length + 2 : 0;
    for (const l of m.labels) Object.assign(l, { start: l.start + shift, end: l.end + shift });
    m.text = text;
    m.rev += 1;
    await check(m, r);
  }
  toString = () => `revise(${this.before ? 'prepend' : 'append'} ${JSON.stringify(this.addition)})`;
}

class ReviseStale implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.rev > 1;
  async run(m: Model, r: Real) {
    await refused(r, () => r.http.put(`/api/documents/${DOC}/text`).send({ text: `${m.text} stale`, baseRev: m.rev - 1 }), 409, 'conflict');
    await check(m, r);
  }
  toString = () => 'reviseOnStaleRev';
}

class ReviseUnchanged implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.http.put(`/api/documents/${DOC}/text`).send({ text: m.text, baseRev: m.rev });
    expect([res.status, res.body.created]).toEqual([200, false]);
    await check(m, r);
  }
  toString = () => 'reviseUnchanged';
}

const note = fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)), fc.constant('<script>alert(1)</script>'));
const paragraph = fc.stringMatching(/^[A-Z][a-z]{1,8}( [a-z]{1,8}){0,5}\.$/);
const commands = [
  fc.tuple(fc.nat(), fc.nat({ max: 2 }), note).map(([w, t, n]) => new CreateLabel(w, t, n)),
  fc.constant(new CreateStale()),
  fc.integer({ min: 1, max: 1000 }).map((p) => new CreateOutOfRange(p)),
  fc.tuple(fc.nat(), note).map(([l, n]) => new PatchNote(l, n)),
  fc.tuple(fc.nat(), fc.nat()).map(([l, w]) => new PatchSpan(l, w)),
  fc.nat().map((l) => new DeleteLabel(l)),
  fc.nat().map((l) => new RestoreLabel(l)),
  fc.constant(new DeleteUnknown()),
  fc.tuple(paragraph, fc.boolean()).map(([p, b]) => new Revise(p, b)),
  fc.constant(new ReviseStale()),
  fc.constant(new ReviseUnchanged()),
];

describe('label and revision endpoints against a model', () => {
  it('when random sequences of label and text operations run, then the stored document always equals the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const real = await startTestApp();
        try {
          await real.store.create(createDocument({ id: DOC, body: BASE_TEXT, format: 'text', meta: { title: 'Model' }, author: 'test', now: '2026-01-01T00:00:00.000Z' }));
          const model: Model = { text: BASE_TEXT, rev: 1, labels: [], deleted: [] };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          await rm(real.dataDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
