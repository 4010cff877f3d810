import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../paths';
import { hasKey } from './i18n';
import { LOCALES } from './locale';

// Every whole key a template names ({{t "admin.rules.title"}}, {{th …}}, (t "…") as a
// subexpression) and every key the server passes to pageT(req)('…') exists in every catalogue, so
// no page shows a bare key in one language (a plural counts by its _other form). Keys built from
// parts ("csat." name) are left out.
function files(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : e.name.endsWith(ext) && !e.name.endsWith(`.test${ext}`) ? [p] : [];
  });
}

function usedKeys(): Map<string, string> {
  const used = new Map<string, string>();
  for (const f of files(path.join(ROOT, 'views'), '.hbs')) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/[{(]\s*th?\s+"([^"]+)"/g)) if (!m[1].endsWith('.')) used.set(m[1], path.relative(ROOT, f));
  }
  for (const f of files(path.join(ROOT, 'src'), '.ts')) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/pageT\(req\)\(\s*'([^']+)'/g)) used.set(m[1], path.relative(ROOT, f));
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\(\s*'((?:admin|reports)\.[^']+)'/g)) used.set(m[1], path.relative(ROOT, f));
  }
  return used;
}

describe('keys used by templates and pages', () => {
  it('exist in every catalogue', () => {
    const used = usedKeys();
    expect([...used.keys()].filter((k) => k.startsWith('admin.')).length).toBeGreaterThan(20);
    const missing = [...used].flatMap(([key, file]) => LOCALES.filter((l) => !hasKey(l, key) && !hasKey(l, `${key}_other`)).map((l) => `${l}: ${key} (${file})`));
    expect(missing).toEqual([]);
  });
});
