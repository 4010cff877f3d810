import type { NextFunction, Request, Response } from 'express';
import { loadBrand } from '../../branding/branding';
import { customerLocale } from '../../i18n/customer-locale';
import { agentRepository } from '../../db/repositories/agent.repository';
import type { Services } from '../../services';

// What every server-rendered page may show whichever route renders it: the company's brand
// and the customer's language (layouts and error pages included). JSON, socket and file routes skip it.
const SKIP = /^\/(api|socket\.io|static|metrics|healthz|brand)\//;

export function pageLocals(s: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (SKIP.test(req.path)) return next();
    try {
      res.locals.brand = await loadBrand(s);
      // The customer's language: an agent's choice for this contact, else the browser's.
      const contactId = req.viewer.kind === 'contact' ? req.viewer.contactId : null;
      res.locals.locale = (await customerLocale(s.db.m, contactId, { acceptLanguage: req.get('accept-language') })).locale;
      // An agent's pages: the language they chose for the agent app wins over their browser's.
      if (req.viewer.kind === 'agent') {
        const chosen = (await agentRepository.findById(s.db.m, req.viewer.agentId))?.locale ?? null;
        res.locals.agentLocale = chosen;
        if (chosen) res.locals.locale = chosen;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
