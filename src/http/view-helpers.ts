// Handlebars helpers shared by pages and e-mails.
export const handlebarsHelpers = {
  eq: (a: unknown, b: unknown) => a === b,
  json: (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c'),
  timeago: (iso: string | number) => {
    const ms = Date.now() - (typeof iso === 'number' ? iso : Date.parse(iso));
    if (Number.isNaN(ms)) return 'at an unknown time';
    const m = Math.round(ms / 60000);
    if (m < 1) return 'just now';
    if (m < 60) return `${m}m`;
    const h = Math.round(m / 60);
    if (h < 48) return `${h}h`;
    return `${Math.round(h / 24)}d`;
  },
  year: () => new Date().getFullYear(),
};
