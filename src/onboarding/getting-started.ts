import type { EntityManager } from 'typeorm';
import { isCommunityForm } from '../community/community-form';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';

export interface GettingStartedStep { key: 'inbox' | 'test-mail' | 'form'; title: string; text: string; done: boolean; href: string | null; action: string | null; code: string | null }

// What an empty Chorus asks of a first-time admin, in order: an inbox to receive on, a test mail
// to see a ticket arrive, and the contact form on their site. Null once any ticket exists (the
// empty list of a view is then just an empty view).
export async function gettingStarted(m: EntityManager, publicUrl: string): Promise<{ steps: GettingStartedStep[] } | null> {
  if ((await ticketRepository.countUpTo(m, {}, 0)) > 0) return null;
  const inboxes = await inboxRepository.list(m);
  const email = inboxes.find((i) => i.channel === 'email');
  const form = inboxes.find((i) => i.channel === 'webform' && !isCommunityForm(i));
  const { slug, title } = (form?.settings ?? {}) as { slug?: string; title?: string };
  return {
    steps: [
      {
        key: 'inbox', title: 'Create an inbox', done: inboxes.length > 0, href: '/admin/inboxes', action: null, code: null,
        text: inboxes.length ? `${inboxes.length} inbox${inboxes.length === 1 ? '' : 'es'} set up: ${inboxes.map((i) => i.name).join(', ')}.` : 'An e-mail address, a web form or a social account that customers write to.',
      },
      {
        key: 'test-mail', title: 'Send a test mail', done: false, href: email ? null : '/admin/inboxes', action: email ? '/inbox/test-mail' : null, code: null,
        text: email
          ? `Mail to ${email.address ?? email.name} arrives here. Send one from your own address to see the first ticket and answer it.`
          : 'Create an e-mail inbox first; any mail to its address (the built-in SMTP listener, IMAP or a forwarding rule) becomes a ticket.',
      },
      {
        key: 'form', title: 'Embed the contact form', done: false, href: slug ? `/forms/${slug}` : '/admin/inboxes', action: null,
        code: slug ? `<iframe src="${publicUrl}/forms/${slug}?embed=1" title="${(title ?? 'Contact support').replace(/"/g, '&quot;')}" style="width:100%;min-height:760px;border:0" loading="lazy"></iframe>` : null,
        text: slug ? 'Paste this on your site; every submission opens a ticket.' : 'Create a web-form inbox; its page can be linked or embedded on your site.',
      },
    ],
  };
}
