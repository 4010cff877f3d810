import fs from 'node:fs';
import path from 'node:path';

// The shared corpus lives beside the checkout (../shared/corpus). A suite that needs it and does
// not find it says so loudly: a silent skip once hid a whole corpus from a green run.
// (.ci/run refuses to start without it, so only a developer's partial checkout skips.)
export const CORPUS_ROOT = path.resolve(__dirname, '../../../shared/corpus');

export function corpusPath(rel: string): { dir: string; present: boolean } {
  const dir = path.join(CORPUS_ROOT, rel);
  const present = fs.existsSync(dir);
  if (!present) {
    const line = `WARNING: corpus ${dir} is missing: the suites that read it are SKIPPED. Put the shared corpus at ${CORPUS_ROOT} to run them.`;
    process.stderr.write(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n\n`);
  }
  return { dir, present };
}
