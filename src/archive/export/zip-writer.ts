import { PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';

// Only files known to shrink are deflated (text, markup, old office formats, uncompressed images);
// the rest — photos, PDFs, archives, octet streams — is mostly compressed already, and deflating
// it again costs CPU for nothing (the bench: deflating 50 MB of such files cut the export's rate
// to a twentieth of reading them).
const SHRINKS = /^(text\/|message\/|application\/(json|xml|javascript|rtf|msword|vnd\.ms-excel|vnd\.ms-powerpoint|x-ndjson|csv)|image\/(svg\+xml|bmp|tiff))/i;

export const shouldCompress = (contentType: string) => SHRINKS.test(contentType);

// A streaming ZIP: small files are added as buffers, large ones as lazy streams whose bytes are
// fetched only when yazl reaches them, so at most one attachment or raw item is in memory at a time
// and the archive itself is never held whole.
export class ZipWriter {
  private zip = new ZipFile();
  readonly output: PassThrough = new PassThrough();
  private mtime: Date;

  constructor(at: number) {
    this.mtime = new Date(at);
    this.zip.outputStream.pipe(this.output);
    this.zip.on('error', (err: Error) => this.output.destroy(err));
  }

  text(path: string, content: string): void {
    this.zip.addBuffer(Buffer.from(content, 'utf8'), path, { mtime: this.mtime });
  }

  json(path: string, value: unknown): void {
    this.text(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  // `fetch` runs when the entry's turn comes (after every entry added before it has been written).
  lazy(path: string, fetch: () => Promise<Buffer | string | null>, opts: { compress?: boolean } = {}): void {
    this.zip.addReadStreamLazy(path, { mtime: this.mtime, compress: opts.compress ?? true }, (cb) => {
      fetch().then(
        (data) => cb(null, Readable.from(data === null ? [] : [typeof data === 'string' ? Buffer.from(data, 'utf8') : data])),
        (err) => cb(err, undefined as never),
      );
    });
  }

  end(): PassThrough {
    this.zip.end();
    return this.output;
  }
}

// A name safe inside a ZIP on every system: no directories, no control or reserved characters.
export function safeName(name: string, fallback = 'file'): string {
  const clean = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  return clean || fallback;
}
