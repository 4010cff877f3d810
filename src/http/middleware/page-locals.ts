import type { NextFunction, Request, Response } from 'express';
import { loadBrand } from '../../branding/branding';
import type { Services } from '../../services';

// What every server-rendered page may show whichever route renders it: the company's brand
// (layouts and error pages included). JSON, socket and file routes skip it.
const SKIP = /^\/(api|socket\.io|static|metrics|healthz|brand)\//;

export function pageLocals(s: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (SKIP.test(req.path)) return next();
    try {
      res.locals.brand = await loadBrand(s);
      next();
    } catch (err) {
      next(err);
    }
  };
}
