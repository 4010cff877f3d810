import type { Request } from 'express';
import { translator } from '../i18n/i18n';
import { EXPORT_TEXT, reportText, type ReportText } from '../reports/report-text';
import { agentLocale } from './agent-page';

// What a route builds for an agent page (its <title>, a form error shown on it, a chart's labels)
// in the page's language: the same choice renderAgent makes for the templates.
export const pageT = (req: Request) => translator(agentLocale(req));

// The same as a plain function, for presenters that also serve the API in English (their default).
export type PageText = ReportText;
export const ENGLISH: PageText = EXPORT_TEXT;
export const pageText = (req: Request): PageText => reportText(agentLocale(req));
