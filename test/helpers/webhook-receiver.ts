import http from 'node:http';
import type net from 'node:net';

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

// A real HTTP endpoint standing in for the system behind a webhook. Each request takes the next
// planned answer: a status code, or 'hang' (read the delivery, never answer); afterwards 200.
export async function webhookReceiver(plan: (number | 'hang')[] = []) {
  const calls: ReceivedDelivery[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        /* kept raw */
      }
      calls.push({ headers: req.headers, raw, body });
      const answer = plan.shift() ?? 200;
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'nope');
    });
  });
  server.on('connection', (so) => {
    sockets.add(so);
    so.on('close', () => sockets.delete(so));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    calls,
    url: `http://127.0.0.1:${port}/hook`,
    port,
    of: (event: string) => calls.filter((c) => c.body?.event === event),
    close: () => new Promise<void>((r) => {
      for (const so of sockets) so.destroy();
      server.close(() => r());
    }),
  };
}
