import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusPath } from './helpers/corpus';

describe('a missing shared corpus', () => {
  it('makes a corpus suite print a visible warning that it skips', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { present, dir } = corpusPath('no-such-corpus');
      expect(present).toBe(false);
      const printed = write.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('WARNING');
      expect(printed).toContain(dir);
      expect(printed).toMatch(/SKIPPED/);
    } finally {
      write.mockRestore();
    }
  });

  it('stops CI before anything runs, naming the missing path', () => {
    // A checkout with nothing beside it: no ../shared.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-ci-'));
    const repo = path.join(root, 'repo');
    fs.mkdirSync(path.join(repo, '.ci'), { recursive: true });
    fs.copyFileSync(path.join(__dirname, '../.ci/check-shared'), path.join(repo, '.ci/check-shared'));
    try {
      const r = spawnSync('bash', [path.join(repo, '.ci/check-shared')], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(path.join(root, 'shared', 'corpus'));
      fs.mkdirSync(path.join(root, 'shared', 'corpus'), { recursive: true });
      expect(spawnSync('bash', [path.join(repo, '.ci/check-shared')], { encoding: 'utf8' }).status).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

});
