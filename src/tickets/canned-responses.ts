export interface CannedContext {
  requester: { name: string | null };
  ticket: { number: number; subject: string };
  agent: { name: string };
}

// Fills {{requester.name}}, {{requester.first_name}}, {{ticket.number}}, {{ticket.subject}} and
// {{agent.name}}. Unknown variables stay as written so a typo is visible in the draft. The
// result goes into a textarea as plain text, so nothing is escaped here.
export function renderCanned(body: string, ctx: CannedContext): string {
  const name = ctx.requester.name?.trim() || 'there';
  const vars: Record<string, string> = {
    'requester.name': name,
    'requester.first_name': name.split(/\s+/)[0],
    'ticket.number': String(ctx.ticket.number),
    'ticket.subject': ctx.ticket.subject,
    'agent.name': ctx.agent.name,
  };
  return body.replace(/\{\{\s*([a-z_.]+)\s*\}\}/gi, (whole, key: string) => vars[key.toLowerCase()] ?? whole);
}
