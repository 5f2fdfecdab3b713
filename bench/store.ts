/**
 * `npx tsx bench/store.ts`: what durability costs. Every number comes from this one run, on a
 * fresh temporary DATA_DIR: one fsynced label save as the corpus grows (one file per document, so
 * it should not grow), as one document grows, 50 concurrent saves (coalesced writes) against 50
 * sequential ones, opening the store, and a backup.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DocumentStore } from '../server/store/document-store.js';
import { writeBackup } from '../server/store/backup.js';
import { createDocument } from '../server/domain/documents.js';
import { makeLabel, labelEvent } from '../server/domain/labels.js';
import type { DocumentRecord } from '../server/domain/types.js';

const NOW = '2026-01-01T00:00:00.000Z';
const TEXT = 'The minister said the plan “will work”, officials said. '.repeat(90); // about 5 KB

const doc = (id: string) => createDocument({ id, body: TEXT, format: 'text', meta: { title: id }, author: 'bench', now: NOW });

function addLabel(d: DocumentRecord): void {
  const start = Math.floor(Math.random() * (TEXT.length - 40));
  const label = makeLabel(d, { id: randomUUID(), type: 'opinion', start, end: start + 20 }, 'bench', NOW);
  d.labels.push(label);
  d.events.push(labelEvent('label.created', 'bench', NOW, undefined, label));
}

const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const fmt = (x: number) => x.toFixed(2).padStart(8);

async function saveLatencies(store: DocumentStore, id: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await store.update(id, addLabel);
    out.push(ms(t0));
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), 'framewise-bench-store-'));
try {
  console.log('one label save (fsynced), ms            median      p95');
  const store = await DocumentStore.open(dir);
  const byCorpus: Record<number, number> = {};
  let count = 0;
  for (const size of [10, 100, 1000]) {
    while (count < size) await store.create(doc(`doc-${count++}`));
    const lat = await saveLatencies(store, `doc-${size - 1}`, 50);
    byCorpus[size] = median(lat);
    console.log(`  corpus of ${String(size).padStart(4)} documents      ${fmt(median(lat))} ${fmt(p95(lat))}`);
  }
  console.log(`  ratio 1000 docs / 10 docs: ${(byCorpus[1000] / byCorpus[10]).toFixed(2)}x`);

  const grown: Record<number, number> = {};
  for (const labels of [0, 100, 1000]) {
    const id = `grown-${labels}`;
    const d = doc(id);
    for (let i = 0; i < labels; i++) addLabel(d);
    await store.create(d);
    const lat = await saveLatencies(store, id, 30);
    grown[labels] = median(lat);
    console.log(`  document with ${String(labels).padStart(4)} labels       ${fmt(median(lat))} ${fmt(p95(lat))}`);
  }
  console.log(`  ratio 1000 labels / 0 labels: ${(grown[1000] / grown[0]).toFixed(2)}x`);

  await store.create(doc('burst'));
  let t0 = performance.now();
  for (let i = 0; i < 50; i++) await store.update('burst', addLabel);
  const sequential = ms(t0);
  t0 = performance.now();
  await Promise.all(Array.from({ length: 50 }, () => store.update('burst', addLabel)));
  const concurrent = ms(t0);
  console.log(`50 saves on one document: one after another ${sequential.toFixed(1)} ms, all at once ${concurrent.toFixed(1)} ms (coalesced writes: ${(sequential / concurrent).toFixed(1)}x faster)`);

  t0 = performance.now();
  const reopened = await DocumentStore.open(dir);
  console.log(`open a store of ${reopened.list().length} documents: ${ms(t0).toFixed(0)} ms`);

  t0 = performance.now();
  const manifest = await writeBackup(dir, join(tmpdir(), `framewise-bench-${process.pid}.tar.gz`));
  const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
  console.log(`backup of ${manifest.documents} documents (${(bytes / 1024 / 1024).toFixed(1)} MB): ${ms(t0).toFixed(0)} ms`);
  await rm(join(tmpdir(), `framewise-bench-${process.pid}.tar.gz`), { force: true });
} finally {
  await rm(dir, { recursive: true, force: true });
}
