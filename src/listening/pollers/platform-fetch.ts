import { PollRefused } from './poller';

const TIMEOUT_MS = 15_000;

// Why a connection failed, in the words an admin reads on the stream (Node's fetch says only
// "fetch failed" and keeps the reason in `cause`).
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'no such host';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return 'the connection was cut';
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': return 'the connection timed out';
    case 'CERT_HAS_EXPIRED': case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `its TLS certificate was refused (${code})`;
    default: return cause?.message || (err instanceof Error ? err.message : String(err));
  }
}

// One call to a platform's API: a network failure or a silent server becomes a PollRefused
// naming the platform, the address and what was being asked, never "fetch failed".
export async function platformFetch(platform: string, what: string, url: URL, headers: Record<string, string>): Promise<Response> {
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    if ((err as { name?: string } | null)?.name === 'TimeoutError') throw new PollRefused(`${platform} did not answer ${what} within ${TIMEOUT_MS / 1000} seconds (${url.origin}).`);
    throw new PollRefused(`Could not reach ${platform} at ${url.origin} for ${what} (${networkReason(err)}).`);
  }
}

// A 2xx answer that is not JSON (a login page, a proxy's error page) is named as such.
export async function platformJson(platform: string, what: string, res: Response): Promise<unknown> {
  const body = await res.text();
  try {
    return JSON.parse(body) as unknown;
  } catch {
    const type = res.headers.get('content-type')?.split(';')[0] || 'no content type';
    throw new PollRefused(`${platform} answered ${what} with something other than JSON (HTTP ${res.status}, ${type}); check the stream's address.`);
  }
}
