import { translator } from '../i18n/i18n';

// A report's words (table titles, column headers, metric names, chart labels) in one language:
// the reader's on the page, English for the CSV and JSON, whose headers and rows stay stable for
// the spreadsheets and scripts that read them.
export type ReportText = (key: string, values?: Record<string, unknown>) => string;
export const reportText = (locale: string | null | undefined): ReportText => {
  const t = translator(locale);
  return (key, values) => t(key, values ?? {}) as string;
};
export const EXPORT_TEXT = reportText('en');
