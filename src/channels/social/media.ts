import type { InboundAttachment } from '../inbound-message';

const MAX_BYTES = 25 * 1024 * 1024;
const EXT: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'video/mp4': 'mp4', 'video/3gpp': '3gp',
  'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'application/pdf': 'pdf', 'text/plain': 'txt',
};

export function extensionFor(contentType: string | null | undefined): string {
  return EXT[(contentType ?? '').split(';')[0].trim().toLowerCase()] ?? 'bin';
}

// Downloads one file a platform points us at (with the inbox's token when the platform wants
// one) into an attachment. Throws with a readable reason; callers then keep the link instead.
export async function downloadMedia(url: string, opts: { headers?: Record<string, string>; filename?: string | null; contentType?: string | null; stem: string }): Promise<InboundAttachment> {
  const res = await fetch(url, { headers: opts.headers, signal: AbortSignal.timeout(20_000), redirect: 'follow' });
  if (!res.ok) throw new Error(`the platform answered HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) throw new Error(`the file is larger than ${MAX_BYTES} bytes`);
  const content = Buffer.from(await res.arrayBuffer());
  if (content.length > MAX_BYTES) throw new Error(`the file is larger than ${MAX_BYTES} bytes`);
  const contentType = (opts.contentType || res.headers.get('content-type') || 'application/octet-stream').split(';')[0].trim();
  const filename = (opts.filename?.trim() || `${opts.stem}.${extensionFor(contentType)}`).replace(/[/\\\0]/g, '_').slice(0, 200);
  return { filename, contentType, content };
}

// What happened to each file of a message: stored as an attachment, or kept as a link and why.
export interface MediaNote {
  type: string;
  url?: string | null;
  stored?: string;
  error?: string;
}

export async function tryDownload(notes: MediaNote[], out: InboundAttachment[], type: string, url: string | null | undefined, load: () => Promise<InboundAttachment>): Promise<boolean> {
  try {
    const a = await load();
    out.push(a);
    notes.push({ type, stored: a.filename });
    return true;
  } catch (err) {
    notes.push({ type, url: url ?? null, error: (err as Error).message });
    return false;
  }
}
