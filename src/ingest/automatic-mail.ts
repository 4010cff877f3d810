import type { InboundMessage } from '../channels/inbound-message';

// Why a mail is automatic — a delivery report, an auto-reply, list mail, a machine
// notification — from the loop-guard facts the adapter found (header evidence, DESIGN §4);
// null for mail a person wrote. Our own echoes are not automatic mail: they are never stored twice.
export function automaticReason(msg: Pick<InboundMessage, 'noise'> | undefined): string | null {
  const n = msg?.noise;
  if (!n || n.echo) return null;
  if (n.bounce) return n.reason ?? 'delivery report';
  if (n.autoReply || n.bulk || n.loop) return n.reason ?? 'automatic mail';
  return null;
}
