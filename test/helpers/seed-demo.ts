import { createInbox } from '../../src/inboxes/create-inbox';
import { hmacHex } from '../../src/channels/signature';
import type { TestChorus } from './test-chorus';

// A small, believable support day through the real doors: signed API posts (with reach),
// raw e-mails and Telegram updates. Used by the browser tests and their screenshots.
export async function seedDemo(t: TestChorus) {
  const email = await createInbox(t.s.db, Date.now(), { name: 'Support e-mail', channel: 'email', address: 'support@acme.test', firstResponseMinutes: 120 });
  const api = await createInbox(t.s.db, Date.now(), { name: 'Community & social', channel: 'api' });
  const tg = await createInbox(t.s.db, Date.now(), { name: 'Telegram bot', channel: 'telegram', settings: { botToken: '123456:demo-token', botId: '999' }, secret: 'tg-secret-0123456789' });

  const mail = async (from: string, name: string, subject: string, body: string, id: string) => {
    const raw = [`From: ${name} <${from}>`, 'To: support@acme.test', `Subject: ${subject}`, `Message-ID: <${id}@mail.example>`, `Date: ${new Date().toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');
    const res = await fetch(`${t.url}/api/inboxes/${email.id}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });
    return (await res.json()) as { ticketId: number };
  };
  const post = async (body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    const res = await fetch(`${t.url}/api/inboxes/${api.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chorus-signature': `sha256=${hmacHex(api.secret, Buffer.from(raw))}` }, body: raw });
    return (await res.json()) as { ticketId: number; messageId: number };
  };
  const telegram = async (id: number, first: string, username: string, text: string) => {
    const raw = JSON.stringify({ update_id: 1000 + id, message: { message_id: id, date: Math.floor(Date.now() / 1000), from: { id: 5000 + id, is_bot: false, first_name: first, username }, chat: { id: 5000 + id, type: 'private', first_name: first, username }, text } });
    const res = await fetch(`${t.url}/webhooks/telegram/${tg.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret-0123456789' }, body: raw });
    if (res.status !== 200) throw new Error(`telegram seed failed: ${res.status}`);
  };

  await t.api('POST', '/api/teams', { name: 'Billing', agentIds: [t.admin.id] });
  await t.api('POST', '/api/teams', { name: 'Tier 2', agentIds: [] });
  await t.api('POST', '/api/canned-responses', { title: 'Known bug — fix on the way', body: 'Hi {{requester.first_name}}, thanks for reporting this! It is a known bug and a fix is on the way; we will update #{{ticket.number}} when it ships.' });
  await t.api('POST', '/api/canned-responses', { title: 'Invoice reissued', body: 'Hi {{requester.first_name}}, a corrected invoice is attached. — {{agent.name}}' });
  const tickets: Record<string, number> = {};
  tickets.vat = (await mail('lena@northwind.example', 'Lena Fischer', 'Invoice shows our old VAT number', 'Hi, the March invoice still has our old VAT id DE811. Could you reissue it?\n\nThanks, Lena', 'd1')).ticketId;
  tickets.sso = (await mail('it@globex.example', 'Marcus Chen', 'SSO login loops back to the sign-in page', 'Since this morning every Okta login bounces back to /login. 40 people affected.', 'd2')).ticketId;
  tickets.csv = (await post({ externalId: 'tw-1', threadKey: 'tw-1', author: { id: 'priya', name: 'Priya Raman', handle: 'priyabuilds', followers: 48200 }, subject: 'Export to CSV garbles accented names', text: '@acme exports turn Zoë into ZoÃ« — any fix?', audience: 'public' })).ticketId;
  await telegram(1, 'Jonas', 'jonas_k', 'Hello! Is the mobile app down? It keeps saying "offline".');
  tickets.refund = (await mail('sam@example.org', 'Sam Okafor', 'Refund for duplicate charge', 'I was charged twice for the annual plan on the 3rd. Please refund one of them.', 'd3')).ticketId;
  tickets.api = (await post({ externalId: 'fo-1', threadKey: 'fo-1', author: { id: 'dev42', name: 'Ava Novak', handle: 'avacodes', followers: 1200 }, subject: 'Rate limits for the webhooks API?', text: 'How many webhook deliveries per minute can we expect before throttling?', audience: 'public' })).ticketId;
  await telegram(2, 'Mei', 'mei_l', 'Can I change the language of the invoices to German?');
  tickets.dark = (await mail('kai@studio.example', 'Kai Müller', 'Feature request: dark mode for the dashboard', 'Our night shift would love a dark theme. Any plans?', 'd4')).ticketId;
  return { email, api, tg, tickets, post, mail };
}
