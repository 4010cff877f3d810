import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { safeEqual } from '../../auth/secrets';
import { communityRepository } from '../../db/repositories/community.repository';
import { AppError, NotFoundError, UnauthorizedError, ValidationError } from '../../errors';
import type { Services } from '../../services';
import { contactReply } from '../../tickets/commands/contact-reply';
import type { OutgoingAttachment } from '../../tickets/commands/post-agent-message';
import { slugify, threadPath } from '../../web/thread-path';
import { canPost, describe, loadThreadView, ticketBrief } from '../../web/thread-view';
import { renderWeb } from '../../web/web-page';
import { defineRoute } from '../route';
import { csatPrompt } from '../../csat/csat-surfaces';
import { publicName } from '../../community/public-name';
import { selfServicePrompt, type SelfServicePrompt } from '../../community/self-service-prompt';

const MAX_FILES = 5;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

// The customer's thread page (private: /t/:id, public: /community/:id-:slug) and its JSON.
export function threadRoutes(r: Router, s: Services): void {
  const idParams = z.object({ id: z.coerce.number().int().positive() });

  const showThread = async (req: Request, res: Response, id: number, reply: { error?: string; draft?: string } = {}, status = 200, selfService: SelfServicePrompt | null = null) => {
    const v = await loadThreadView(s.db.m, req.viewer, id);
    const { ticket, facts, messages, me } = v;
    const first = messages[0];
    const member = req.viewer.kind === 'contact' && !me?.banned ? req.viewer.contactId : null;
    const myVotes = member ? await communityRepository.votesOf(s.db.m, member, messages.map((x) => x.id)) : new Map<number, number>();
    const isAsker = req.viewer.kind === 'contact' && req.viewer.contactId === ticket.requesterId;
    const community = ticket.visibility === 'public';
    return renderWeb(req, res, 'pages/thread', {
      title: `${ticket.subject} · Chorus`,
      description: first ? describe(first.text) : ticket.subject,
      canonical: ticket.visibility === 'public' ? `${s.config.publicUrl}${threadPath(ticket)}` : undefined,
      ticket: ticketBrief(ticket, v.tags),
      requesterName: publicName(v.requester),
      messages: messages.map((msg) => ({
        ...msg,
        initial: (msg.author.name.trim()[0] ?? '?').toUpperCase(),
        isStaff: msg.author.type === 'agent',
        isNote: msg.audience === 'staff',
        isPrivate: msg.audience === 'participants' && ticket.visibility === 'public',
        isAsker: msg.author.type === 'contact' && msg.author.id === ticket.requesterId,
        accepted: ticket.acceptedMessageId === msg.id,
        canVote: community && member !== null && msg.audience === 'public' && msg.author.id !== member,
        myVote: myVotes.get(msg.id) ?? 0,
        canAccept: community && (isAsker || req.viewer.kind === 'agent') && msg.audience === 'public' && ticket.acceptedMessageId !== msg.id
          && !(msg.author.type === 'contact' && msg.author.id === ticket.requesterId),
      })),
      canPost: canPost(req.viewer, ticket, facts, !!me?.banned),
      csat: await csatPrompt(s.db.m, s.config, req.viewer, ticket, s.now()),
      banned: !!me?.banned,
      signinNext: threadPath(ticket),
      scripts: ['/socket.io/socket.io.min.js', '/static/web-thread.js'],
      replyError: reply.error, replyDraft: reply.draft,
      selfService: ticket.status === 'solved' ? selfService : null,
    }, status);
  };

  defineRoute(r, s, {
    method: 'get', path: '/t/:id', tag: 'customer', summary: 'A conversation page: what the viewer may see of it, with a reply box',
    params: idParams,
    authorize: () => true,
    handler: async ({ params, req, res }) => {
      const v = await loadThreadView(s.db.m, req.viewer, params.id).catch((err) => {
        if (!(err instanceof NotFoundError)) throw err;
        return null;
      });
      // The same answer for a missing ticket and one the viewer may not read.
      if (!v) return renderWeb(req, res, 'pages/thread-missing', { titleKey: 'thread.missingTitle', next: `/t/${params.id}` }, 404);
      if (v.ticket.visibility === 'public' || v.ticket.id !== params.id) {
        res.redirect(301, threadPath(v.ticket));
        return undefined;
      }
      return showThread(req, res, v.ticket.id);
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/community/:ref', tag: 'community', summary: 'A public question: readable signed out, without scripts',
    params: z.object({ ref: z.string().regex(/^\d{1,12}(-[a-z0-9-]{0,80})?$/) }),
    authorize: () => true,
    handler: async ({ params, req, res }) => {
      const id = Number(params.ref.split('-')[0]);
      const v = await loadThreadView(s.db.m, req.viewer, id);
      if (v.ticket.visibility !== 'public') {
        res.redirect(302, `/t/${v.ticket.id}`);
        return undefined;
      }
      const canonical = `${v.ticket.id}-${slugify(v.ticket.subject)}`;
      if (params.ref !== canonical) {
        res.redirect(301, `/community/${canonical}`);
        return undefined;
      }
      return showThread(req, res, v.ticket.id, {}, 200, selfServicePrompt(req.query as Record<string, unknown>));
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/web/tickets/:id', tag: 'customer', summary: 'A conversation as JSON, for the signed-in customer or the public',
    params: idParams,
    authorize: () => true,
    handler: async ({ params, viewer }) => {
      const v = await loadThreadView(s.db.m, viewer, params.id);
      return { ticket: ticketBrief(v.ticket, v.tags), messages: v.messages, canPost: canPost(viewer, v.ticket, v.facts, !!v.me?.banned) };
    },
  });

  // Multipart so the no-script form can carry files; CSRF is checked here since the body is raw.
  r.post('/t/:id/replies', express.raw({ type: ['multipart/form-data', 'application/x-www-form-urlencoded'], limit: MAX_FILES * MAX_FILE_BYTES + 1_000_000 }), async (req: Request, res: Response) => {
    const p = idParams.safeParse(req.params);
    if (!p.success) throw new NotFoundError('Ticket');
    const viewer = req.viewer;
    if (viewer.kind !== 'contact') throw viewer.kind === 'anonymous' ? new UnauthorizedError('Sign in to reply.') : new AppError(403, 'forbidden', 'Agents reply from the inbox.');
    const fd = await readForm(req);
    const csrf = (req.header('x-csrf-token') ?? fd.get('_csrf')) as string | null;
    if (req.authVia !== 'session' || typeof csrf !== 'string' || !req.csrfToken || !safeEqual(csrf, req.csrfToken)) {
      throw new AppError(403, 'csrf_failed', 'The form expired or came from another site. Reload the page and try again.');
    }
    const attachments: OutgoingAttachment[] = [];
    for (const f of fd.getAll('attachments')) {
      if (typeof f === 'string' || !f.size) continue;
      if (attachments.length >= MAX_FILES) throw new ValidationError(`Attach at most ${MAX_FILES} files.`);
      if (f.size > MAX_FILE_BYTES) throw new ValidationError(`${f.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
      attachments.push({ filename: (f.name || 'attachment').slice(0, 255), contentType: f.type || 'application/octet-stream', content: Buffer.from(await f.arrayBuffer()) });
    }
    const text = String(fd.get('text') ?? '').slice(0, 50_000);
    const json = (req.header('accept') ?? '').includes('application/json');
    const message = await contactReply(s.commands, viewer, p.data.id, { text, attachments }).catch(async (err) => {
      // Without scripts a refused reply comes back on the thread page with the text kept.
      if (json || !(err instanceof ValidationError)) throw err;
      await showThread(req, res, p.data.id, { error: err.message, draft: text }, 422);
      return null;
    });
    if (!message) return;
    if (json) {
      res.status(201).json({ message: { id: message.id } });
      return;
    }
    const v = await loadThreadView(s.db.m, viewer, p.data.id);
    res.redirect(303, `${threadPath(v.ticket)}#m-${message.id}`);
  });
}

async function readForm(req: Request): Promise<FormData> {
  if (!Buffer.isBuffer(req.body)) throw new ValidationError('Send the reply as a form.');
  try {
    return await new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  } catch {
    throw new ValidationError('The form could not be read.');
  }
}
