/**
 * Crash safety: the real server runs as a child process; clients save labels at it concurrently;
 * it is killed with SIGKILL at a random moment, 20 times, and restarted over the same DATA_DIR.
 * One more client revises the text (a paragraph prepended, so every label moves) meanwhile.
 * After every restart: every save and revision acknowledged with a 2xx is there, every file
 * parses, and no temporary file is left. The randomness is seeded: rerun a failure with CRASH_SEED=<printed seed>.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_SEED, tempDataDir } from '../helpers/app.js';
import type { DocumentRecord, Label } from '../../server/domain/types.js';
import { adminHeaders, killHard, prng, spawnServer, whenListening, type ServerProcess } from './server-process.js';

const ROUNDS = 20;
const CLIENTS = 6;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** What the clients know for sure about one label, from acknowledged responses only. */
interface Known {
  id: string;
  deleted: boolean;
  note: string;
  /** A request about this label got no answer: either outcome is allowed, then the disk decides. */
  inDoubt?: { kind: 'patch'; note: string } | { kind: 'delete' };
}

describe('crash safety', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    console.log(`crash test: CRASH_SEED=${SEED} DATA_DIR=${dataDir}`);
  });
  afterAll(async () => {
    if (server) await killHard(server);
    if (!process.env.KEEP) await rm(dataDir, { recursive: true, force: true });
  });

  it(`when the server is SIGKILLed ${ROUNDS} times during concurrent saves, then every acknowledged save survives`, async () => {
    const random = prng(SEED);
    const known = new Map<string, Known>();
    /** Creates that got no answer, by the unique note they carried. */
    const createsInDoubt = new Set<string>();
    let acknowledged = 0;
    let unanswered = 0;
    let tempFilesFound = 0;
    /** Tags of acknowledged revisions: each must be on disk after every restart. */
    const revisionsAcked: string[] = [];

    // Each start first checks the disk against what was acknowledged before the last kill, then
    // drives saves until the next kill. The last start only checks.
    for (let round = 0; round <= ROUNDS; round++) {
      const names = await readdir(join(dataDir, 'documents')).catch(() => [] as string[]);
      tempFilesFound += names.filter((n) => n.startsWith('.tmp-')).length;
      for (const n of names.filter((n) => n.endsWith('.json'))) JSON.parse(await readFile(join(dataDir, 'documents', n), 'utf8'));

      server = spawnServer(dataDir);
      if (round > 0 && round < ROUNDS && random() < 0.2) {
        await sleep(Math.floor(random() * 600)); // killed while starting, maybe while loading seeds
        await killHard(server);
        continue;
      }
      const url = await whenListening(server);
      if (!bearer.authorization) bearer.authorization = `Bearer ${await createToken(url)}`;
      expect(server.output()).not.toMatch(/quarantined/);
      expect((await readdir(join(dataDir, 'documents'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
      if (round > 0) {
        const doc = JSON.parse(await readFile(join(dataDir, 'documents', `${FIRST_SEED}.json`), 'utf8')) as DocumentRecord;
        const served = (await (await fetch(`${url}/api/documents/${FIRST_SEED}/labels`, { headers: bearer })).json()) as Label[];
        expect(served).toEqual(doc.labels);
        checkAgainstModel(doc, known, createsInDoubt);
        settle(doc, known, createsInDoubt);
        expect(doc.revisions.map((r) => r.rev)).toEqual(doc.revisions.map((_, i) => i + 1));
        for (const tag of revisionsAcked) expect(doc.revisions.some((r) => r.text.startsWith(`Update ${tag}.`))).toBe(true);
        const latest = doc.revisions[doc.revisions.length - 1];
        for (const l of doc.labels) {
          if (l.anchor.state !== 'orphaned') expect([l.rev, latest.text.slice(l.start, l.end)]).toEqual([latest.rev, l.quote.exact]);
        }
      }
      if (round === ROUNDS) break;

      const stop = { killed: false };
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(url, round, c, prng(SEED + round * 100 + c), stop));
      const reviser = revise(url, round, stop, revisionsAcked);
      await sleep(400 + Math.floor(random() * 600));
      stop.killed = true;
      await killHard(server);
      for (const r of [...(await Promise.all(clients)), await reviser]) {
        acknowledged += r.acknowledged;
        unanswered += r.unanswered;
      }
    }
    if (server) await killHard(server);
    server = undefined;

    console.log(`crash test: ${ROUNDS} kills, ${acknowledged} acknowledged saves checked (${revisionsAcked.length} of them text revisions), ${unanswered} unanswered requests, ${tempFilesFound} temp files found after kills and cleaned at start`);
    expect(acknowledged).toBeGreaterThan(ROUNDS * 3); // the run really exercised saves
    expect(revisionsAcked.length).toBeGreaterThan(0);
  }, 120_000);
});

type Outcome =
  | { op: 'create'; note: string; label?: Label }
  | { op: 'patch'; id: string; note: string; ok: boolean | null }
  | { op: 'delete'; id: string; ok: boolean | null };

/** Outcomes of the current round, applied to the model once the disk has been checked. */
const pendingResults: Outcome[] = [];

/** The reviser: prepends a tagged paragraph to the text every ~40 ms, until killed. */
async function revise(url: string, round: number, stop: { killed: boolean }, acked: string[]) {
  let acknowledged = 0;
  let unanswered = 0;
  for (let n = 0; !stop.killed; n++) {
    const current = await send(`${url}/api/documents/${FIRST_SEED}`, 'GET');
    if (!current) break;
    const { text, rev } = (await current.json()) as { text: string; rev: number };
    const tag = `r${round}-${n}`;
    const res = await send(`${url}/api/documents/${FIRST_SEED}/text`, 'PUT', { text: `Update ${tag}.\n\n${text}`, baseRev: rev });
    if (!res) {
      unanswered++;
      break;
    }
    if (res.status === 201) {
      acked.push(tag);
      acknowledged++;
    } else if (res.status !== 409) throw new Error(`revision answered ${res.status}: ${await res.text()}`);
    await sleep(40);
  }
  return { acknowledged, unanswered };
}

/** One client: creates labels, edits their notes, deletes some, one request at a time, until killed. */
async function client(url: string, round: number, c: number, random: () => number, stop: { killed: boolean }) {
  const mine: Label[] = [];
  let acknowledged = 0;
  let unanswered = 0;
  let current: { rev: number; words: { start: number; end: number }[] } | null = null;
  for (let n = 0; !stop.killed; n++) {
    const tag = `r${round}-c${c}-${n}`;
    const roll = random();
    let outcome: Outcome;
    if (mine.length === 0 || roll < 0.5) {
      current ??= await load(url);
      if (!current) break;
      const { start, end } = current.words[Math.floor(random() * current.words.length)];
      const res = await send(`${url}/api/documents/${FIRST_SEED}/labels`, 'POST', { start, end, type: 'opinion', rev: current.rev, note: `create ${tag}` });
      if (res?.status === 409) {
        current = null; // the text was revised meanwhile: reload, as the editor does
        continue;
      }
      outcome = { op: 'create', note: `create ${tag}`, label: res?.status === 201 ? ((await res.json()) as Label) : undefined };
      if (res && res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
      if (outcome.label) mine.push(outcome.label);
      if (res) acknowledged++;
      else unanswered++;
    } else if (roll < 0.8) {
      const label = mine[Math.floor(random() * mine.length)];
      const res = await send(`${url}/api/documents/${FIRST_SEED}/labels/${label.id}`, 'PATCH', { note: `patch ${tag}` });
      if (res && res.status !== 200) throw new Error(`patch answered ${res.status}: ${await res.text()}`);
      outcome = { op: 'patch', id: label.id, note: `patch ${tag}`, ok: res ? true : null };
      if (res) acknowledged++;
      else unanswered++;
    } else {
      const label = mine.splice(Math.floor(random() * mine.length), 1)[0];
      const res = await send(`${url}/api/documents/${FIRST_SEED}/labels/${label.id}`, 'DELETE');
      if (res && res.status !== 200) throw new Error(`delete answered ${res.status}: ${await res.text()}`);
      outcome = { op: 'delete', id: label.id, ok: res ? true : null };
      if (res) acknowledged++;
      else unanswered++;
    }
    pendingResults.push(outcome);
    const answered = outcome.op === 'create' ? outcome.label !== undefined : outcome.ok === true;
    if (!answered) break; // the server is gone
  }
  return { acknowledged, unanswered };
}

/** The admin's API token: it is stored hashed in users.json, so it survives every kill and restart. */
const bearer: Record<string, string> = {};

async function createToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { ...(await adminHeaders(url)), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'crash test' }) });
  if (res.status !== 201) throw new Error(`token answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** The response, or `null` when the connection died before an answer (the server was killed). */
async function send(url: string, method: string, body?: unknown): Promise<Response | null> {
  try {
    const res = await fetch(url, { method, headers: body ? { ...bearer, 'content-type': 'application/json' } : bearer, body: body ? JSON.stringify(body) : undefined });
    await res.clone().arrayBuffer(); // the whole answer arrived
    return res;
  } catch {
    return null;
  }
}

function apply(o: Outcome, known: Map<string, Known>, createsInDoubt: Set<string>): void {
  if (o.op === 'create') {
    if (o.label) known.set(o.label.id, { id: o.label.id, deleted: false, note: o.note });
    else createsInDoubt.add(o.note);
  } else if (o.op === 'patch') {
    const k = known.get(o.id)!;
    if (o.ok) k.note = o.note;
    else k.inDoubt = { kind: 'patch', note: o.note };
  } else {
    const k = known.get(o.id)!;
    if (o.ok) k.deleted = true;
    else k.inDoubt = { kind: 'delete' };
  }
}

/** Asserts the file holds every acknowledged outcome, and nothing that no request could have made. */
function checkAgainstModel(doc: DocumentRecord, known: Map<string, Known>, createsInDoubt: Set<string>): void {
  const model = new Map([...known].map(([id, k]) => [id, { ...k }]));
  for (const o of pendingResults) apply(o, model, createsInDoubt);
  const onDisk = new Map(doc.labels.map((l) => [l.id, l]));
  expect(onDisk.size).toBe(doc.labels.length); // no duplicate ids
  for (const k of model.values()) {
    const label = onDisk.get(k.id);
    if (k.inDoubt?.kind === 'delete') {
      if (label) expect(label.note).toBe(k.note);
    } else if (k.deleted) {
      expect(label).toBeUndefined();
    } else {
      expect(label?.note).toBe(k.inDoubt?.kind === 'patch' && label?.note === k.inDoubt.note ? k.inDoubt.note : k.note);
    }
  }
  for (const label of doc.labels) {
    if (!model.has(label.id)) expect(createsInDoubt.has(label.note!)).toBe(true);
  }
  const createdEvents = doc.events.filter((e) => e.kind === 'label.created').map((e) => e.labelId);
  expect(new Set(createdEvents).size).toBe(createdEvents.length);
  for (const k of model.values()) expect(createdEvents).toContain(k.id);
}

/** After a check, unanswered requests are resolved by what the disk holds. */
function settle(doc: DocumentRecord, known: Map<string, Known>, createsInDoubt: Set<string>): void {
  const model = known;
  for (const o of pendingResults) apply(o, model, createsInDoubt);
  pendingResults.length = 0;
  const onDisk = new Map(doc.labels.map((l) => [l.id, l]));
  for (const k of model.values()) {
    if (!k.inDoubt) continue;
    const label = onDisk.get(k.id);
    if (label) k.note = label.note!;
    else k.deleted = true;
    delete k.inDoubt;
  }
  for (const label of doc.labels) {
    if (!model.has(label.id)) model.set(label.id, { id: label.id, deleted: false, note: label.note! });
  }
  createsInDoubt.clear();
}

/** The latest revision and its words, or `null` if the server is gone. */
async function load(url: string): Promise<{ rev: number; words: { start: number; end: number }[] } | null> {
  const res = await send(`${url}/api/documents/${FIRST_SEED}`, 'GET');
  if (!res) return null;
  const { text, rev } = (await res.json()) as { text: string; rev: number };
  return { rev, words: wordsOf(text) };
}

/** Every run of non-space characters, as UTF-16 [start, end) offsets: always a valid span. */
function wordsOf(text: string): { start: number; end: number }[] {
  return [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
