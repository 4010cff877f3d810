import type { EventCause } from '../../db/entities';

const KIND: Record<EventCause['kind'], string> = { rule: 'rule', macro: 'macro', guard: 'the automation guard', sla: 'SLA policy', erasure: 'erasure request', retention: 'retention policy' };

// "by rule VIP reach": how the ticket page names the cause of an automatic change.
export function describeCause(c: EventCause | null | undefined): { label: string; name: string; href: string | null } | null {
  if (!c) return null;
  const href = c.kind === 'rule' ? `/admin/rules/${c.id}` : c.kind === 'macro' ? `/admin/macros/${c.id}` : c.kind === 'sla' ? `/admin/sla?edit=${c.id}` : c.kind === 'erasure' ? '/admin/erasures' : c.kind === 'retention' ? '/admin/retention' : null;
  return { label: `by ${KIND[c.kind] ?? c.kind}`, name: c.name, href };
}
