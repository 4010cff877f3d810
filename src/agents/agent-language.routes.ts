import type { Request, Router } from 'express';
import { z } from 'zod';
import { agentOnly, browserAgentLocale, type AgentViewer } from '../agent-web/agent-page';
import { agentRepository } from '../db/repositories/agent.repository';
import { defineRoute } from '../http/route';
import { wantsJson } from '../http/form-fields';
import { LOCALES, type Locale } from '../i18n/locale';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import { updateAgent } from './update-agent';

// The language of the agent app, chosen by each agent for themselves: a LOCALES code, or empty /
// null to follow their browser (else English). Anything else is refused with 400 naming `locale`.
const choice = z.union([z.literal(''), z.null(), z.enum(LOCALES)], { error: `locale must be one of ${LOCALES.join(', ')}, or empty to follow the browser` });
const languageResponse = z.object({ locale: z.enum(LOCALES).nullable(), effective: z.enum(LOCALES) });
const isAgent = (v: Viewer) => v.kind === 'agent';

async function setLocale(s: Services, req: Request, agentId: number, value: '' | null | Locale) {
  const locale = value || null;
  await updateAgent(s.db, agentId, { locale });
  return { locale, effective: locale ?? browserAgentLocale(req) };
}

export function agentLanguageRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/me/locale', tag: 'agents', summary: 'The language of my agent app: my own choice (null: my browser\'s) and the one in effect',
    authorize: isAgent, response: languageResponse,
    handler: async ({ req, viewer }) => {
      const locale = ((await agentRepository.findById(s.db.m, (viewer as AgentViewer).agentId))?.locale ?? null) as Locale | null;
      return { locale, effective: locale ?? browserAgentLocale(req) };
    },
  });
  defineRoute(r, s, {
    method: 'put', path: '/api/me/locale', tag: 'agents', summary: 'Choose the language of my agent app (null: follow my browser)',
    body: z.object({ locale: choice }), authorize: isAgent, response: languageResponse,
    handler: ({ req, body, viewer }) => setLocale(s, req, (viewer as AgentViewer).agentId, body.locale),
  });
  // The same from the settings page's form, without script.
  defineRoute(r, s, {
    method: 'post', path: '/me/locale', tag: 'pages', summary: 'Choose the language of my agent app from the settings page',
    form: true, body: z.object({ locale: choice }), authorize: agentOnly,
    handler: async ({ req, res, body, viewer }) => {
      const out = await setLocale(s, req, (viewer as AgentViewer).agentId, body.locale);
      if (wantsJson(req)) return out;
      return void res.redirect(303, '/notifications/settings?saved=1');
    },
  });
}
