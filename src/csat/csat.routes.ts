import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { CSAT_SCORES, type CsatSurvey, type Ticket } from '../db/entities';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { AppError, NotFoundError } from '../errors';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { renderWeb } from '../web/web-page';
import { CsatLinkExpiredError, MAX_COMMENT, rateSurvey, type RateOutcome, surveyOfLink } from './commands/rate-survey';
import { SCORE_LABELS, SCORE_NAMES, scoreName } from './csat-links';
import { verifyCsatToken } from './csat-token';
import { translate } from '../i18n/i18n';

const scoreSchema = z.enum(Object.keys(CSAT_SCORES) as [keyof typeof CSAT_SCORES, ...(keyof typeof CSAT_SCORES)[]]);
const params = z.object({ token: z.string().max(120) });

// A link that was altered, cut short, never sent or is too old gets a page that says which, not a bare error.
function refuse(req: Request, res: Response, err: unknown): undefined {
  if (err instanceof CsatLinkExpiredError) {
    return renderWeb(req, res, 'pages/csat/invalid', { titleKey: 'csat.expiredTitle', heading: translate(res.locals.locale, 'csat.expiredHeading'), explanation: translate(res.locals.locale, 'csat.expiredExplain') }, 410);
  }
  if (err instanceof NotFoundError) {
    return renderWeb(req, res, 'pages/csat/invalid', {
      titleKey: 'csat.invalidTitle', heading: translate(res.locals.locale, 'csat.invalidHeading'), explanation: translate(res.locals.locale, 'csat.invalidExplain'),
    }, 404);
  }
  throw err;
}

function page(req: Request, res: Response, token: string, survey: CsatSurvey, ticket: Ticket, extra: { outcome?: RateOutcome; previous?: number | null; saved?: boolean } = {}) {
  const rated = scoreName(survey.score);
  const prev = extra.outcome === 'changed' ? scoreName(extra.previous ?? null) : null;
  return renderWeb(req, res, 'pages/csat/rate', {
    titleKey: 'csat.ask', token, ticketNumber: ticket.id, subject: ticket.subject,
    rated: rated ? { name: rated, label: SCORE_LABELS[rated] } : null, changed: prev ? SCORE_LABELS[prev] : null, saved: !!extra.saved,
    choices: SCORE_NAMES.map((n) => ({ name: n, label: SCORE_LABELS[n], selected: n === rated })),
    comment: survey.comment ?? '', maxComment: MAX_COMMENT, expires: new Date(survey.expiresAt!).toISOString().slice(0, 10),
  });
}

export function csatRoutes(r: Router, s: Services): void {
  const linkOf = (token: string) => {
    const link = verifyCsatToken(s.config.secret, token);
    if (!link) throw new NotFoundError('Survey');
    return link;
  };

  defineRoute(r, s, {
    method: 'get', path: '/csat/:token', tag: 'customer', summary: 'A satisfaction link from a survey: one click rates the solved ticket, then a comment can be added',
    params, query: z.object({ score: scoreSchema.optional() }),
    // The signed link is the permission (anyone holding it is the person it was sent to); it is
    // checked in the handler so a bad link gets a page that explains.
    authorize: () => true,
    handler: async ({ params: { token }, query, req, res }) => {
      try {
        const link = linkOf(token);
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Referrer-Policy', 'no-referrer');
        if (!query.score) {
          const survey = await surveyOfLink(s.db.m, s.now(), link);
          return page(req, res, token, survey, (await ticketRepository.findById(s.db.m, survey.ticketId))!);
        }
        const before = await surveyOfLink(s.db.m, s.now(), link);
        const { survey, ticket, outcome } = await rateSurvey(s, link, { score: query.score });
        return page(req, res, token, survey, ticket, { outcome, previous: before.score });
      } catch (err) {
        return refuse(req, res, err);
      }
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/csat/:token', tag: 'customer', summary: 'Rate a solved ticket (or change the rating) and add a comment, from a satisfaction link',
    params, form: true,
    body: z.object({ score: scoreSchema, comment: z.string().max(MAX_COMMENT, `Keep the comment under ${MAX_COMMENT} characters.`).optional() }),
    authorize: () => true,
    handler: async ({ params: { token }, body, req, res }) => {
      try {
        const link = linkOf(token);
        res.setHeader('Cache-Control', 'no-store');
        const before = await surveyOfLink(s.db.m, s.now(), link);
        const { survey, ticket, outcome } = await rateSurvey(s, link, { score: body.score, comment: body.comment });
        if ((req.header('accept') ?? '').includes('application/json')) return { outcome, score: body.score };
        return page(req, res, token, survey, ticket, { outcome, previous: before.score, saved: !!body.comment?.trim() });
      } catch (err) {
        if (err instanceof AppError && !(err instanceof NotFoundError) && !(err instanceof CsatLinkExpiredError)) throw err;
        return refuse(req, res, err);
      }
    },
  });
}
