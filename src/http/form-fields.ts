import type { Request } from 'express';
import { z } from 'zod';

// A repeated form field (checkboxes named `ids`): one value arrives as a string, several as an
// array, none as undefined. Always a list of positive ids.
export const idList = () =>
  z.union([z.string(), z.array(z.string())]).optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(Number))
    .pipe(z.array(z.number().int().positive()));

// Page scripts post the same forms as browsers, asking for JSON instead of a redirect.
export const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
