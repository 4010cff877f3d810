import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../../errors';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      files?: UploadedFile[];
    }
  }
}

// Pages post real HTML forms (they work before any script loads), files included. A multipart
// body arrives as bytes and is read with the platform's FormData: string fields become the
// body (a repeated field becomes an array), non-empty files go to req.files. Runs before the
// CSRF check so the form's `_csrf` field is seen.
export async function formBody(req: Request, _res: Response, next: NextFunction) {
  if (!Buffer.isBuffer(req.body)) return next();
  let fd: FormData;
  try {
    fd = await readFormData(req);
  } catch (err) {
    return next(err);
  }
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  const pairs: [string, FormDataEntryValue][] = [];
  fd.forEach((v, k) => pairs.push([k, v]));
  for (const [key, v] of pairs) {
    if (typeof v === 'string') {
      const prev = fields[key];
      fields[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    } else if (v.size > 0) {
      files.push({ field: key, filename: v.name || 'attachment', contentType: v.type || 'application/octet-stream', content: Buffer.from(await v.arrayBuffer()) });
    }
  }
  req.body = fields;
  req.files = files;
  next();
}

// A raw multipart or urlencoded body, read by the platform's FormData (no parser of our own).
export async function readFormData(req: Request): Promise<FormData> {
  if (!Buffer.isBuffer(req.body)) throw new ValidationError('Send the form as multipart/form-data or urlencoded.');
  try {
    return await new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  } catch {
    throw new ValidationError('The form data could not be read.');
  }
}
