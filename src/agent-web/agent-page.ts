import type { Request, Response } from 'express';
import { agentRepository } from '../db/repositories/agent.repository';
import { notificationRepository } from '../db/repositories/notification.repository';
import { SignInRequired } from '../errors';
import { strictCsp } from '../http/page-security';
import type { Services } from '../services';
import type { Viewer } from '../policies/viewer';
import { DEFAULT_LOCALE, fromAcceptLanguage, supportedLocale, type Locale } from '../i18n/locale';
import { rawStrings } from '../i18n/i18n';

export type AgentViewer = Extract<Viewer, { kind: 'agent' }>;

// Agent pages: their own layout and the same strict CSP as the customer web — scripts come
// from /static only; page data travels in data- attributes or a JSON <script> block.
export async function renderAgent(s: Services, req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): Promise<undefined> {
  res.setHeader('Content-Security-Policy', strictCsp("'none'"));
  res.setHeader('Cache-Control', 'no-store');
  const v = req.viewer as AgentViewer;
  const [agent, unread] = await Promise.all([agentRepository.findById(s.db.m, v.agentId), notificationRepository.unreadCount(s.db.m, v.agentId)]);
  const me = { id: v.agentId, name: v.name, role: v.role, initial: initial(v.name), admin: v.role === 'admin', away: !!agent?.away, theme: agent?.theme ?? null, unread };
  const locale = agentLocale(req);
  res.status(status).render(view, { layout: 'agent', locale, me, csrfToken: req.csrfToken, agentStrings: agentScriptStrings(locale), ...data });
  return undefined;
}

// Page routes authorize like API routes, but a signed-out agent is sent to the sign-in page.
export function agentOnly(v: Viewer): boolean {
  if (v.kind === 'agent') return true;
  if (v.kind === 'anonymous') throw new SignInRequired();
  return false;
}

// After a no-JS form post: back to where the agent came from (same origin only).
export function backTo(req: Request, fallback: string): string {
  const ref = req.get('referer');
  try {
    if (ref) {
      const u = new URL(ref);
      if (u.host === req.get('host')) return u.pathname + u.search;
    }
  } catch {
    /* fall through */
  }
  return fallback;
}

export const initial = (name: string | null | undefined) => (name ?? '?').trim().charAt(0).toUpperCase() || '?';

// The language of the agent app: the agent's own choice (agents.locale, read into res.locals by
// pageLocals), else their browser's, else English. (Strings come from the same catalogues as the
// customer pages, under locales/<lang>/agent.json.)
export const agentLocale = (req: Request): Locale => supportedLocale(req.res?.locals?.agentLocale as string | undefined) ?? browserAgentLocale(req);
export const browserAgentLocale = (req: Request): Locale => fromAcceptLanguage(req.get('accept-language')) ?? DEFAULT_LOCALE;

// The strings the agent scripts need (locales/<lang>/agent.json, "js"), handed to them in a JSON
// <script> block by the layout, since the CSP runs no inline script.
export const agentScriptStrings = (locale: Locale): Record<string, unknown> => rawStrings(locale, 'agent.js');
