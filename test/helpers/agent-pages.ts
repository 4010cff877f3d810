// Every agent page the layout tests visit (at 1280 and 390 px, light and dark). A new agent page
// adds one line: its path (":ticket" is a seeded ticket id, ":inbox" the seeded e-mail inbox's)
// and an element that must be visible.
export const AGENT_PAGES: { path: string; visible: string }[] = [
  { path: '/inbox', visible: '.row .subject' },
  { path: '/tickets/:ticket', visible: '[data-composer-text]' },
  { path: '/search?q=invoice', visible: '.search-form' },
  { path: '/reports', visible: '.report-tabs' },
  { path: '/reports/channels', visible: '.report-tabs' },
  { path: '/reports/live', visible: 'h1' },
  { path: '/admin/inboxes', visible: 'table.grid' },
  { path: '/admin/inboxes/:inbox/settings', visible: 'form.inbox-settings' },
  { path: '/admin/branding', visible: '[data-branding-form]' },
  { path: '/admin/agents', visible: 'main h1' },
  { path: '/admin/canned', visible: 'main h1' },
  { path: '/admin/macros', visible: 'main h1' },
  { path: '/admin/rules', visible: 'main h1' },
  { path: '/admin/rules/new', visible: 'main h1' },
  { path: '/admin/sla', visible: 'main h1' },
  { path: '/admin/calendars', visible: 'main h1' },
  { path: '/admin/webhooks', visible: 'main h1' },
  { path: '/admin/ingest', visible: 'main h1' },
  { path: '/admin/mail-preview', visible: 'main h1' },
  { path: '/admin/retention', visible: 'main h1' },
  { path: '/admin/holds', visible: 'main h1' },
  { path: '/admin/erasures', visible: 'main h1' },
  { path: '/notifications', visible: 'main h1' },
  { path: '/notifications/settings', visible: 'main h1' },
];
