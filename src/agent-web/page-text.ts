import type { Request } from 'express';
import { translator } from '../i18n/i18n';
import { agentLocale } from './agent-page';

// What a route builds for an agent page (its <title>, a form error shown on it, a chart's labels)
// in the page's language: the same choice renderAgent makes for the templates.
export const pageT = (req: Request) => translator(agentLocale(req));
