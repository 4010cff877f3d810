import client from 'prom-client';

// One registry per Chorus instance (tests run several in one process).
export class Metrics {
  readonly registry = new client.Registry();
  readonly ingest = new client.Counter({ name: 'chorus_ingest_items_total', help: 'Inbound items by channel and outcome', labelNames: ['channel', 'outcome'], registers: [this.registry] });
  readonly http = new client.Histogram({
    name: 'chorus_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly sockets = new client.Gauge({ name: 'chorus_socket_connections', help: 'Open socket.io connections on this node', registers: [this.registry] });
  // What the kept-counts reconciliation had to fix: tickets under a stale key, key or tag counters.
  readonly keptCountRepairs = new client.Counter({ name: 'chorus_kept_counts_repaired_total', help: 'Kept inbox counts the reconciliation job found wrong and fixed', labelNames: ['kind'], registers: [this.registry] });
  // Socket events presented (hydrated and shaped) for a room that has a member somewhere.
  readonly socketPresented = new client.Counter({ name: 'chorus_socket_presented_total', help: 'Message events presented for a ticket room with members, by audience', labelNames: ['audience'], registers: [this.registry] });
  readonly outbox = new client.Counter({ name: 'chorus_outbox_deliveries_total', help: 'Outbox delivery attempts by kind and result', labelNames: ['kind', 'result'], registers: [this.registry] });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'chorus_' });
  }
}
