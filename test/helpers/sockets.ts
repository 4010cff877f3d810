import type { Socket } from 'socket.io-client';

// Resolves when the server drops the socket (fails after a generous deadline).
export const disconnected = (socket: Socket, ms = 15_000) => new Promise<string>((resolve, reject) => {
  if (!socket.connected) return resolve('already');
  const timer = setTimeout(() => reject(new Error(`socket still connected after ${ms} ms`)), ms);
  socket.once('disconnect', (reason) => {
    clearTimeout(timer);
    resolve(reason);
  });
});

// An agent cookie session through the JSON sign-in, with its CSRF token.
export async function agentSession(t: { url: string }, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0], csrf: ((await res.json()) as any).csrfToken };
}

