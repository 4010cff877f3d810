// The thread as one readable, self-contained HTML file: no script, no remote resource, every
// value escaped. Messages are shown as text (their HTML stays in ticket.json), so opening the
// file runs nothing a sender wrote.

export interface HtmlMessage {
  id: number;
  author: string;
  authorKind: string;
  audience: string;
  channel: string;
  direction: string;
  createdAt: string | null;
  text: string;
  fullText: string | null;
  files: { label: string; href: string }[];
}

export interface HtmlThread {
  title: string;
  facts: [string, string][];
  note: string;
  messages: HtmlMessage[];
  events?: { at: string; text: string }[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#5b6573}
.msg{border:1px solid #d6dbe2;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.msg header{display:flex;gap:.75rem;flex-wrap:wrap;font-size:.9rem;color:#5b6573}.msg header b{color:#1d2430}
.staff{background:#fff6db;border:2px dashed #b88a00}.staff-flag{font-weight:700;color:#7a5b00;text-transform:uppercase;letter-spacing:.04em}
.participants{background:#eef4ff}.text{white-space:pre-wrap;overflow-wrap:anywhere}
.note{background:#f3f5f8;padding:.5rem 1rem;border-radius:6px}ol.events{font-size:.9rem}`;

export function renderThreadHtml(t: HtmlThread): string {
  const facts = t.facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  const msgs = t.messages.map((m) => {
    const staff = m.audience === 'staff';
    const flag = staff ? '<span class="staff-flag">Staff note — internal, never shown to the customer</span>' : m.audience === 'participants' ? '<span>visible to the participants</span>' : '<span>public</span>';
    const files = m.files.length ? `<ul>${m.files.map((f) => `<li><a href="${esc(f.href)}">${esc(f.label)}</a></li>`).join('')}</ul>` : '';
    const full = m.fullText && m.fullText !== m.text ? `<details><summary>Quoted text and signature</summary><div class="text">${esc(m.fullText)}</div></details>` : '';
    return `<article class="msg ${esc(m.audience)}" id="m-${m.id}"><header><b>${esc(m.author)}</b><span>${esc(m.authorKind)}</span>${flag}<span>${esc(m.channel)} · ${esc(m.direction)}</span><time>${esc(m.createdAt ?? 'unknown time')}</time><span>message ${m.id}</span></header>`
      + `<div class="text">${esc(m.text)}</div>${full}${files}</article>`;
  }).join('\n');
  const events = t.events?.length ? `<h2>History</h2><ol class="events">${t.events.map((e) => `<li><time>${esc(e.at)}</time> ${esc(e.text)}</li>`).join('')}</ol>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(t.title)}</title><style>${CSS}</style></head>
<body><h1>${esc(t.title)}</h1><dl>${facts}</dl><p class="note">${esc(t.note)}</p>
${msgs}
${events}
</body></html>
`;
}
