import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { ROOT } from '../paths';
import { Mailer } from './mailer';

const emailsDir = path.join(ROOT, 'views/emails');
// Everything HTML escaping would change, as in a real sign-in link and a real subject line.
const RAW = 'https://chorus.test/signin?token=a1&next=/t/7 <Q&A> "quoted" \'it\'s\' `x`';

// The names a template reads ({{name}}, {{{name}}}, {{#if name}}…), found in its syntax tree.
function variablesOf(source: string): string[] {
  const names = new Set<string>();
  const visit = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'PathExpression' && node.parts?.length) names.add(node.parts[0]);
    for (const v of Object.values(node)) {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') visit(v);
    }
  };
  visit(Handlebars.parse(source));
  for (const helper of ['if', 'unless', 'each', 'with']) names.delete(helper);
  return [...names];
}

describe('e-mail templates', () => {
  const mailer = new Mailer(loadConfig({ NODE_ENV: 'test', CHORUS_SECRET: 'mailer-secret-0123456789' }, { readDotEnv: false }), createLogger('silent'), path.join(ROOT, 'views'));
  const textTemplates = fs.readdirSync(emailsDir).filter((f) => f.endsWith('.txt.hbs'));

  it('has a text twin for every HTML template', () => {
    const html = fs.readdirSync(emailsDir).filter((f) => f.endsWith('.hbs') && !f.endsWith('.txt.hbs'));
    expect(textTemplates.length).toBeGreaterThan(0);
    expect(html.map((f) => f.replace(/\.hbs$/, '.txt.hbs')).sort()).toEqual([...textTemplates].sort());
  });

  it.each(textTemplates)('%s renders every value unescaped in the text part', (file) => {
    const name = file.replace(/\.txt\.hbs$/, '');
    const vars = variablesOf(fs.readFileSync(path.join(emailsDir, file), 'utf8'));
    expect(vars.length).toBeGreaterThan(0);
    const data = Object.fromEntries(vars.map((v) => [v, RAW]));
    const { text } = mailer.render(name, data);
    expect(text).toContain(RAW);
    expect(text).not.toMatch(/&(amp|lt|gt|quot|#x27|#x3D|#x60);/);
  });
});
