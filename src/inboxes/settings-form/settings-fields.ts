import type { ChannelKind } from '../../db/entities';
import type { PageText } from '../../agent-web/page-text';

// One field of an inbox's settings form. `key` is the settings path (dots for nested blocks);
// `secret` fields are never shown back, and left empty they keep what is stored.
export interface SettingsField {
  key: string;
  label: string;
  type: 'text' | 'url' | 'number' | 'checkbox' | 'secret' | 'lines';
  help?: string;
  placeholder?: string;
  // A checkbox ticked on a new inbox (the channel's default is on).
  on?: true;
}

// A block of fields kept only when `presentIf` (one of its fields) is filled or ticked.
export interface SettingsGroup { title: string; key?: string; presentIf?: string; fields: SettingsField[] }

const apiBase = (def: string): SettingsField => ({ key: 'apiBaseUrl', label: 'API base URL', type: 'url', placeholder: def, help: `Leave empty for ${def}.` });
const metaFields = (idKey: 'pageId' | 'phoneNumberId', idLabel: string): SettingsField[] => [
  { key: idKey, label: idLabel, type: 'text' },
  { key: 'accessToken', label: 'Access token', type: 'secret', help: 'A long-lived token with messaging permission.' },
  { key: 'verifyToken', label: 'Verify token', type: 'secret', help: 'Any phrase of 8+ characters; enter the same one in the webhook setup.' },
  apiBase('https://graph.facebook.com/v21.0'),
];

// What each channel adapter reads from its inbox's settings (src/channels/*), as form fields.
// A unit test holds these to the channel's schema, so a field cannot drift from what is read.
export const CHANNEL_FIELDS: Record<ChannelKind, SettingsGroup[]> = {
  email: [
    { title: 'Addresses', fields: [{ key: 'aliases', label: 'Other addresses', type: 'lines', help: 'One per line: more addresses that deliver into this inbox.' }] },
    { title: 'Acknowledge new tickets', key: 'autoAck', presentIf: 'autoAck.enabled', fields: [
      { key: 'autoAck.enabled', label: 'Send an automatic acknowledgement', type: 'checkbox' },
      { key: 'autoAck.windowHours', label: 'At most once per sender every (hours)', type: 'number', placeholder: '24' },
    ] },
    { title: 'Fetch from a mailbox (IMAP)', key: 'imap', presentIf: 'imap.host', fields: [
      { key: 'imap.host', label: 'IMAP host', type: 'text', placeholder: 'imap.example.com', help: 'Leave empty to receive by SMTP or the raw-mail API only.' },
      { key: 'imap.port', label: 'IMAP port', type: 'number', placeholder: '993' },
      { key: 'imap.secure', label: 'TLS', type: 'checkbox', on: true },
      { key: 'imap.user', label: 'IMAP user', type: 'text' },
      { key: 'imap.pass', label: 'IMAP password', type: 'secret' },
      { key: 'imap.mailbox', label: 'Mailbox', type: 'text', placeholder: 'INBOX' },
      { key: 'imap.pollSeconds', label: 'Poll every (seconds)', type: 'number', placeholder: '60' },
      { key: 'imap.idle', label: 'Use IDLE (fetch new mail at once)', type: 'checkbox', on: true },
      { key: 'imap.deleteAfterImport', label: 'Delete mail from the server after import', type: 'checkbox' },
      { key: 'imap.timeoutSeconds', label: 'Give up a silent connection after (seconds)', type: 'number', placeholder: '60' },
    ] },
  ],
  webform: [
    { title: 'The form', fields: [
      { key: 'slug', label: 'Address (slug)', type: 'text', placeholder: 'contact', help: 'The form lives at /forms/<slug>: lowercase letters, digits and -.' },
      { key: 'title', label: 'Title', type: 'text', placeholder: 'Contact support' },
      { key: 'intro', label: 'Introduction', type: 'text' },
      { key: 'askSubject', label: 'Ask for a subject', type: 'checkbox', on: true },
      { key: 'corsOrigins', label: 'Sites allowed to post it from script', type: 'lines', placeholder: 'https://shop.example', help: 'One origin per line.' },
      { key: 'minFillSeconds', label: 'Refuse forms filled faster than (seconds)', type: 'number', placeholder: '3' },
      { key: 'submissionsPerHourPerIp', label: 'Submissions per hour from one address', type: 'number', placeholder: '10' },
    ] },
    { title: 'Attachments', key: 'attachments', fields: [
      { key: 'attachments.maxFiles', label: 'Files per submission', type: 'number', placeholder: '3' },
      { key: 'attachments.maxBytes', label: 'Largest file (bytes)', type: 'number', placeholder: '5242880' },
      { key: 'attachments.allowedTypes', label: 'Accepted types', type: 'lines', placeholder: 'image/png', help: 'One MIME type per line.' },
    ] },
  ],
  api: [{ title: 'Delivery', fields: [{ key: 'callbackUrl', label: 'Callback URL', type: 'url', placeholder: 'https://partner.example/chorus', help: 'Agent replies are POSTed here, signed like inbound messages.' }] }],
  telegram: [{ title: 'Bot', fields: [
    { key: 'botToken', label: 'Bot token', type: 'secret', help: 'From @BotFather, e.g. 123456:ABC…' },
    { key: 'botId', label: 'Bot id', type: 'text', help: 'The number before the colon of the token.' },
    apiBase('https://api.telegram.org'),
  ] }],
  messenger: [{ title: 'Facebook page', fields: metaFields('pageId', 'Page id') }],
  instagram: [{ title: 'Instagram account', fields: metaFields('pageId', 'Page id') }],
  whatsapp: [{ title: 'WhatsApp number', fields: metaFields('phoneNumberId', 'Phone number id') }],
  x: [{ title: 'X account', fields: [
    { key: 'accountId', label: 'Account id', type: 'text' },
    { key: 'bearerToken', label: 'Bearer token', type: 'secret' },
    apiBase('https://api.x.com'),
  ] }],
  bluesky: [{ title: 'Bluesky account', fields: [
    { key: 'identifier', label: 'Handle or DID', type: 'text', placeholder: 'acme.bsky.social' },
    { key: 'appPassword', label: 'App password', type: 'secret', help: 'Settings → Privacy and security → App passwords; allow direct messages to take replies private.' },
    apiBase('https://bsky.social'),
  ] }],
  mastodon: [{ title: 'Mastodon account', fields: [
    { key: 'apiBaseUrl', label: 'Instance URL', type: 'url', placeholder: 'https://mastodon.social' },
    { key: 'accessToken', label: 'Access token', type: 'secret' },
    { key: 'accountId', label: 'Account id', type: 'text' },
    { key: 'pollSeconds', label: 'Poll every (seconds)', type: 'number', placeholder: '30' },
  ] }],
};

// Settings every inbox has, whatever its channel.
export const COMMON_FIELDS: SettingsGroup[] = [
  { title: 'Satisfaction survey', key: 'csat', presentIf: 'csat.enabled', fields: [
    { key: 'csat.enabled', label: 'Ask the requester how we did when a ticket is solved', type: 'checkbox' },
    { key: 'csat.delayMinutes', label: 'Ask after (minutes)', type: 'number', placeholder: '0' },
    { key: 'csat.perContactHours', label: 'At most once per customer every (hours)', type: 'number', placeholder: '24' },
    { key: 'csat.linkDays', label: 'Links work for (days)', type: 'number', placeholder: '30' },
  ] },
  { title: 'Privacy', fields: [{ key: 'maskCardNumbers', label: 'Mask payment card numbers in arriving messages', type: 'checkbox' }] },
];

export function groupsFor(kind: ChannelKind): SettingsGroup[] {
  return [...CHANNEL_FIELDS[kind], ...COMMON_FIELDS];
}

// A title, label or help text in the page's language: its key in locales/<lang>/admin.json
// (settingsText) is the English text, squeezed ("IMAP host" → imapHost); unknown text stays as is.
export const settingsTextKey = (text: string) => text.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w, i) => (i ? w.charAt(0).toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase())).join('').slice(0, 48);
export const settingsText = (t: PageText, text: string) => {
  const key = `admin.settingsText.${settingsTextKey(text)}`;
  const out = t(key);
  return out === key ? text : out;
};

// "settings.imap.host" → "IMAP host", for errors that name the field.
export function labelOf(kind: ChannelKind, path: string): string {
  const key = path.replace(/^settings\./, '');
  for (const g of groupsFor(kind)) for (const f of g.fields) if (f.key === key) return f.label;
  for (const g of groupsFor(kind)) if (g.key && key.startsWith(`${g.key}.`) || g.key === key) return g.title;
  return key;
}
