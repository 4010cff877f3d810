// One table model behind the page, the JSON and the CSV of every report, so the three cannot
// disagree. Durations are minutes (one decimal), shares percent (one decimal).
export type ColumnType = 'text' | 'count' | 'minutes' | 'percent' | 'hours' | 'ticket';
export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface Column {
  key: string;
  label: string;
  type: ColumnType;
  // The key holding the same number for the previous period, shown as the change beside it.
  prev?: string;
  // The CSV header of that previous-period column (default: "<label> (previous period)").
  prevLabel?: string;
}

export interface ReportTable { name: string; title: string; columns: Column[]; rows: Row[] }

export const minutes = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.round(ms / 6000) / 10);
export const percent = (part: number, whole: number): number | null => (whole ? Math.round((1000 * part) / whole) / 10 : null);
export const round1 = (v: number): number => Math.round(v * 10) / 10;

// CSV columns: each column, then its previous-period twin.
export function csvColumns(t: ReportTable): { key: string; label: string }[] {
  return t.columns.flatMap((c) => (c.prev ? [{ key: c.key, label: c.label }, { key: c.prev, label: c.prevLabel ?? `${c.label} (previous period)` }] : [{ key: c.key, label: c.label }]));
}

// A cell a spreadsheet would read as a formula (= + - @, or a leading tab / CR that some
// programs strip first) is prefixed with ' so it stays text. Numbers stay numbers.
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(t: ReportTable): string {
  const cols = csvColumns(t);
  const lines = [cols.map((c) => csvCell(c.label)).join(','), ...t.rows.map((r) => cols.map((c) => csvCell(r[c.key] ?? null)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(t: ReportTable): { title: string; columns: { key: string; label: string; type: ColumnType; previous?: string }[]; rows: Row[] } {
  return { title: t.title, columns: t.columns.map((c) => ({ key: c.key, label: c.label, type: c.type, ...(c.prev ? { previous: c.prev } : {}) })), rows: t.rows };
}
