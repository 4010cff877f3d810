import type { EntityManager } from 'typeorm';
import { isCommunityForm } from '../community/community-form';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { translator } from '../i18n/i18n';

export interface GettingStartedStep { key: 'inbox' | 'test-mail' | 'form'; title: string; text: string; done: boolean; href: string | null; action: string | null; code: string | null }

// What an empty Chorus asks of a first-time admin, in order: an inbox to receive on, a test mail
// to see a ticket arrive, and the contact form on their site. Null once any ticket exists (the
// empty list of a view is then just an empty view).
// Worded in the agent's `locale` (locales/<lang>/agent.json, "start").
export async function gettingStarted(m: EntityManager, publicUrl: string, locale = 'en'): Promise<{ steps: GettingStartedStep[] } | null> {
  const t = translator(locale);
  if ((await ticketRepository.countUpTo(m, {}, 0)) > 0) return null;
  const inboxes = await inboxRepository.list(m);
  const email = inboxes.find((i) => i.channel === 'email');
  const form = inboxes.find((i) => i.channel === 'webform' && !isCommunityForm(i));
  const { slug, title } = (form?.settings ?? {}) as { slug?: string; title?: string };
  return {
    steps: [
      {
        key: 'inbox', title: t('agent.start.inboxTitle'), done: inboxes.length > 0, href: '/admin/inboxes', action: null, code: null,
        text: inboxes.length ? t('agent.start.inboxDone', { count: inboxes.length, names: inboxes.map((i) => i.name).join(', ') }) : t('agent.start.inboxText'),
      },
      {
        key: 'test-mail', title: t('agent.start.mailTitle'), done: false, href: email ? null : '/admin/inboxes', action: email ? '/inbox/test-mail' : null, code: null,
        text: email
          ? t('agent.start.mailText', { address: email.address ?? email.name })
          : t('agent.start.mailNone'),
      },
      {
        key: 'form', title: t('agent.start.formTitle'), done: false, href: slug ? `/forms/${slug}` : '/admin/inboxes', action: null,
        code: slug ? `<iframe src="${publicUrl}/forms/${slug}?embed=1" title="${(title ?? 'Contact support').replace(/"/g, '&quot;')}" style="width:100%;min-height:760px;border:0" loading="lazy"></iframe>` : null,
        text: slug ? t('agent.start.formText') : t('agent.start.formNone'),
      },
    ],
  };
}
