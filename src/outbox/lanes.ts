// Which lane an outbox item travels in: one per transport and destination, so a relay or a partner
// that stops answering holds back only the items bound for it (DESIGN §6).
export function laneOf(item: { kind: string; inboxId?: number | null; payload?: Record<string, any> | null }): string {
  // Every e-mail leaves through the one configured relay.
  if (item.kind === 'email' || item.kind.startsWith('email.') || item.kind.endsWith('.email')) return 'smtp';
  if (item.kind === 'api-callback' || item.kind === 'automation.webhook' || item.kind === 'webhook') {
    try {
      return `${item.kind} ${new URL(String(item.payload?.url)).host}`;
    } catch {
      return item.kind;
    }
  }
  // A platform account's API endpoint is configured per inbox.
  return item.inboxId ? `${item.kind} inbox ${item.inboxId}` : item.kind;
}
