import { rm } from 'node:fs/promises';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { UserStore } from '../../server/auth/user-store.js';
import { TeamStore } from '../../server/auth/team-store.js';
import { createApp } from '../../server/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { bearerClient, changedFiles, snapshotDir, tempDataDir, TEST_PASSWORD } from '../helpers/app.js';

/** About 84 KB of words that gzip poorly, different for each seed. */
const words = (seed: number) => Array.from({ length: 12_000 }, (_, i) => `w${(i * 7919 + seed * 104729) % 100_003}`).join(' ');

describe('PUT /api/documents/:id/text past the history limit', () => {
  it('when a revision would take the stored history over the limit, then it is a 413 naming the limit and the data folder is unchanged', async () => {
    const dataDir = await tempDataDir();
    try {
      const store = await DocumentStore.open(dataDir, { maxHistoryBytes: 300_000 });
      const project = await ProjectStore.open(dataDir);
      const users = await UserStore.open(dataDir);
      const team = await TeamStore.open(dataDir);
      await users.create('admin', TEST_PASSWORD, 'admin');
      const http = bearerClient(createApp({ store, project, users, team }), (await users.createToken('admin', 'tests')).token);
      await store.create(createDocument({ id: 'long', body: words(1), format: 'text', meta: { title: 'Long' }, author: 't', now: '2026-01-01T00:00:00.000Z' }));
      let rev = 1;
      let res = await http.put('/api/documents/long/text').send({ text: words(2), baseRev: rev });
      while (res.status === 200 || res.status === 201) {
        rev++;
        res = await http.put('/api/documents/long/text').send({ text: words(rev + 1), baseRev: rev });
      }
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('history_too_large');
      expect(res.body.error.message).toMatch(/^document long would keep 0\.\d MB of revision history, over the limit of 0\.3 MB per document; nothing was saved/);
      expect(rev).toBeGreaterThan(1);
      // Refused again, with the folder as it was.
      const before = await snapshotDir(dataDir);
      await http.put('/api/documents/long/text').send({ text: words(99), baseRev: rev }).expect(413);
      expect(changedFiles(before, await snapshotDir(dataDir))).toEqual([]);
      expect((await http.get('/api/documents/long').expect(200)).body.rev).toBe(rev);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
