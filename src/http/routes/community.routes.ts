import type { Router } from 'express';
import { z } from 'zod';
import { askQuestion, flagPost, moderate, setBanned, visibleMessage, votePost } from '../../community/community.service';
import { communityRepository, type QuestionTab } from '../../db/repositories/community.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { searchPublicQuestions } from '../../db/repositories/search.repository';
import { postSnippet } from '../../content/plain-text';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { NotFoundError, UnauthorizedError } from '../../errors';
import { isAgent, isContact } from '../../policies/viewer';
import type { Services } from '../../services';
import { acceptAnswer } from '../../tickets/commands/accept-answer';
import { changeVisibility } from '../../tickets/commands/change-visibility';
import { publicName } from '../../community/public-name';
import { threadPath } from '../../web/thread-path';
import { renderWeb } from '../../web/web-page';
import { queryText } from '../input-text';
import { defineRoute } from '../route';


// How many matching questions a search considers before tabs and tags narrow them.
const SEARCH_CAP = 500;

const wantsJson = (accept: string | undefined) => (accept ?? '').includes('application/json');

// The public community: lists, asking, votes, accepted answers, flags and moderation.
export function communityRoutes(r: Router, s: Services): void {
  const postParams = z.object({ id: z.coerce.number().int().positive() });

  defineRoute(r, s, {
    method: 'get', path: '/community', tag: 'community', summary: 'Public questions: latest, unanswered or solved, by tag or search',
    query: z.object({ tab: z.enum(['latest', 'unanswered', 'solved']).default('latest'), tag: queryText(30).optional(), q: queryText(100).optional() }),
    authorize: () => true,
    handler: async ({ query, req, res }) => {
      const q = query.q?.trim();
      // A search goes through the full-text index in public-only mode; the list then narrows it.
      const ids = q ? await searchPublicQuestions(s.db.m, q, SEARCH_CAP) : undefined;
      const tickets = await communityRepository.listQuestions(s.db.m, { tab: query.tab as QuestionTab, tag: query.tag || undefined, ids, limit: 50 });
      const [tags, popular, askers, summaries] = await Promise.all([
        ticketRepository.tagsOf(s.db.m, tickets.map((t) => t.id), { publicOnly: true }),
        communityRepository.popularTags(s.db.m, 12),
        contactRepository.findByIds(s.db.m, tickets.map((t) => t.requesterId)),
        communityRepository.publicSummaries(s.db.m, tickets.map((t) => t.id)),
      ]);
      const askerById = new Map(askers.map((c) => [c.id, c]));
      const questions = tickets.map((t) => ({
        id: t.id, subject: t.subject, snippet: postSnippet(summaries.get(t.id)?.first ?? undefined), status: t.status, href: threadPath(t), tags: tags.get(t.id) ?? [],
        answers: summaries.get(t.id)?.answers ?? 0, solved: t.status === 'solved' || t.status === 'closed', accepted: !!t.acceptedMessageId,
        asker: publicName(askerById.get(t.requesterId)), reputation: askerById.get(t.requesterId)?.reputation ?? 0, lastActivityAt: t.lastActivityAt,
      }));
      if (wantsJson(req.header('accept'))) return { questions };
      return renderWeb(req, res, 'pages/community', {
        title: query.tag ? `${query.tag} questions · Chorus community` : 'Chorus community',
        description: 'Questions and answers from the Chorus community and support team.',
        canonical: `${s.config.publicUrl}/community`, questions, popular, tab: query.tab, tag: query.tag, q: query.q,
        tabs: (['latest', 'unanswered', 'solved'] as const).map((k) => ({ key: k, label: k[0].toUpperCase() + k.slice(1), active: k === query.tab })),
      });
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/community/ask', tag: 'community', summary: 'Ask a question',
    authorize: () => true,
    handler: ({ req, res, viewer }) => {
      if (!isContact(viewer)) {
        res.redirect(303, '/signin?next=/community/ask');
        return undefined;
      }
      return renderWeb(req, res, 'pages/ask', { titleKey: 'ask.title', titleSuffix: 'Chorus community', scripts: ['/static/ask-suggestions.js'] });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/community/ask', tag: 'community', summary: 'Post a question (public unless made private)',
    body: z.object({ title: z.string().max(250).default(''), body: z.string().max(50_000).default(''), tags: z.string().max(200).default(''), private: z.string().optional() }),
    authorize: (v) => {
      if (!isContact(v)) throw new UnauthorizedError('Sign in to ask.');
      return true;
    },
    handler: async ({ body, viewer, req, res }) => {
      try {
        const id = await askQuestion(s, viewer as never, { title: body.title, body: body.body, tags: body.tags.split(/[,\s]+/), private: !!body.private });
        const t = (await ticketRepository.findById(s.db.m, id))!;
        res.redirect(303, threadPath(t));
        return undefined;
      } catch (err: any) {
        if (err?.status !== 400) throw err;
        return renderWeb(req, res, 'pages/ask', { titleKey: 'ask.title', titleSuffix: 'Chorus community', scripts: ['/static/ask-suggestions.js'], error: err.message, values: body }, 422);
      }
    },
  });

  const back = async (res: any, req: any, ticketId: number, messageId: number, json: unknown) => {
    if (wantsJson(req.header('accept'))) return json;
    const t = await ticketRepository.findById(s.db.m, ticketId);
    res.redirect(303, `${t ? threadPath(t) : '/community'}#m-${messageId}`);
    return undefined;
  };

  defineRoute(r, s, {
    method: 'post', path: '/community/posts/:id/vote', tag: 'community', summary: 'Vote a public post up or down (or take the vote back)',
    params: postParams,
    body: z.object({ value: z.enum(['up', 'down', 'none']) }),
    authorize: (v) => isContact(v),
    handler: async ({ params, body, viewer, req, res }) => {
      const out = await votePost(s, viewer as never, params.id, body.value === 'up' ? 1 : body.value === 'down' ? -1 : 0);
      return back(res, req, out.ticketId, params.id, { score: out.score });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/community/posts/:id/accept', tag: 'community', summary: 'Accept an answer (the asker or an agent): solves the question',
    params: postParams,
    authorize: (v) => isContact(v) || isAgent(v),
    handler: async ({ params, viewer, req, res }) => {
      // A post the viewer cannot read is missing to them: only then does "not yours to accept" apply.
      const { msg } = await visibleMessage(s, viewer, params.id);
      await acceptAnswer(s.commands, viewer, msg.ticketId, msg.id);
      return back(res, req, msg.ticketId, msg.id, { ok: true });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/community/posts/:id/flag', tag: 'community', summary: 'Flag a public post for the moderators',
    params: postParams,
    body: z.object({ reason: z.string().max(200).default('') }),
    authorize: (v) => isContact(v),
    handler: async ({ params, body, viewer, req, res }) => {
      await flagPost(s, viewer as never, params.id, body.reason);
      const msg = (await messageRepository.findById(s.db.m, params.id))!;
      return back(res, req, msg.ticketId, msg.id, { ok: true });
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/community/moderation', tag: 'community', summary: 'Moderation queue page for agents (works without scripts)',
    authorize: () => true,
    handler: async ({ req, res, viewer }) => {
      if (!isAgent(viewer)) throw new NotFoundError('Page');
      return renderWeb(req, res, 'pages/moderation', { title: 'Moderation · Chorus community', flags: await flagQueue() });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/community/moderation/:id', tag: 'community', summary: 'Moderation form action: hide, restore, dismiss, or ban the author',
    params: postParams,
    body: z.object({ action: z.enum(['hide', 'restore', 'dismiss', 'ban']) }),
    authorize: isAgent,
    handler: async ({ params, body, res }) => {
      if (body.action === 'ban') {
        const msg = await messageRepository.findById(s.db.m, params.id);
        if (msg?.authorContactId) await setBanned(s, msg.authorContactId, true);
        await moderate(s, params.id, 'hide');
      } else {
        await moderate(s, params.id, body.action);
      }
      res.redirect(303, '/community/moderation');
      return undefined;
    },
  });

  async function flagQueue() {
    const flags = await communityRepository.openFlags(s.db.m, 200);
    const posts = new Map<number, Awaited<ReturnType<typeof messageRepository.findById>>>();
    for (const id of new Set(flags.map((f) => f.messageId))) posts.set(id, await messageRepository.findById(s.db.m, id));
    return flags.map((f) => {
      const p = posts.get(f.messageId);
      return { id: f.id, reason: f.reason, flaggedBy: f.contactId, createdAt: new Date(f.createdAt).toISOString(), post: p ? { id: p.id, ticketId: p.ticketId, text: p.text, authorContactId: p.authorContactId, hidden: p.hidden } : null };
    });
  }

  defineRoute(r, s, {
    method: 'get', path: '/api/moderation/flags', tag: 'community', summary: 'Open flags with the flagged posts (moderation queue)',
    authorize: isAgent,
    handler: async () => ({ flags: await flagQueue() }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/moderation/posts/:id', tag: 'community', summary: 'Hide, restore or dismiss the flags of a post',
    params: postParams,
    body: z.object({ action: z.enum(['hide', 'restore', 'dismiss']) }),
    authorize: isAgent,
    handler: async ({ params, body }) => {
      await moderate(s, params.id, body.action);
      return { ok: true };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/moderation/contacts/:id/ban', tag: 'community', summary: 'Ban a member from posting (or lift the ban)',
    params: postParams,
    body: z.object({ banned: z.boolean().default(true) }),
    authorize: isAgent,
    handler: async ({ params, body }) => {
      await setBanned(s, params.id, body.banned);
      return { ok: true };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/visibility', tag: 'tickets', summary: 'Take a thread public or private in place (each message keeps its audience)',
    params: postParams,
    body: z.object({ visibility: z.enum(['public', 'private']) }),
    authorize: isAgent,
    handler: async ({ params, body, viewer }) => {
      await changeVisibility(s.commands, viewer, params.id, body.visibility);
      const t = (await ticketRepository.resolve(s.db.m, params.id))!;
      return { ticket: { id: t.id, visibility: t.visibility, url: threadPath(t) } };
    },
  });
}
