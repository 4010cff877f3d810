import http from 'node:http';

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function envInt(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

// Sends `count` POSTs with `concurrency` in flight over keep-alive connections; returns requests per second.
export async function blast(port: number, path: string, bodies: (i: number) => { raw: string; headers: Record<string, string> }, count: number, concurrency: number): Promise<{ rps: number; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { raw, headers } = bodies(i);
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw), ...headers } }, (res) => {
        if ((res.statusCode ?? 500) >= 300) failures++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(raw);
    });
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await one(next++);
  }));
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { rps: count / secs, failures };
}
