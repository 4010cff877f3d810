// Clean, readable URLs: public questions live under /community with a slug, private ones at /t/:id.
export function slugify(subject: string): string {
  const slug = subject.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return slug || 'question';
}

export function threadPath(t: { id: number; subject: string; visibility: string }): string {
  return t.visibility === 'public' ? `/community/${t.id}-${slugify(t.subject)}` : `/t/${t.id}`;
}
