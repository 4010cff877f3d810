// A stored time that cannot be a date (a row written before times were checked, a hand edit)
// is shown as unknown instead of failing the whole page.
export function isoOrNull(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(typeof ms === 'number' ? ms : Number(ms));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
