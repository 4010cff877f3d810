import { randomBytes } from 'node:crypto';
import { findWebform } from '../channels/webform/webform-submit';
import { WEBFORM_RAW_TYPE, type WebformSubmission } from '../channels/webform/webform-settings.schema';
import { communityRepository } from '../db/repositories/community.repository';
import { contactRepository } from '../db/repositories/contact.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { createInbox } from '../inboxes/create-inbox';
import { COMMUNITY_FORM_SLUG } from './community-form';
import { publicName } from './public-name';
import { addReputation, voteDelta } from './reputation';
import { assertMayPostPublicly } from './trust-levels';
import { canSeeMessage } from '../policies/audience.policy';
import { accessFacts } from '../policies/ticket-access';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';

type Member = Extract<Viewer, { kind: 'contact' }>;

async function activeMember(s: Services, viewer: Member) {
  const c = await contactRepository.findById(s.db.m, viewer.contactId);
  if (!c || c.banned) throw new ForbiddenError('Posting is not possible from this account.');
  return c;
}

// Questions enter like any other channel: a ledger row through the ingest pipeline, in the
// community's own web-form inbox (made on first use), as the member's verified e-mail.
export async function askQuestion(s: Services, viewer: Member, input: { title: string; body: string; tags: string[]; private: boolean }): Promise<number> {
  const member = await activeMember(s, viewer);
  const title = input.title.trim();
  const body = input.body.trim();
  if (title.length < 5) throw new ValidationError('Give the question a title of at least 5 characters.', { fields: { title: ['At least 5 characters'] } });
  if (!body) throw new ValidationError('Describe the question.', { fields: { body: ['Required'] } });
  if (!input.private) assertMayPostPublicly(body, member.reputation, 'body');
  const email = (await contactRepository.identitiesOf(s.db.m, [viewer.contactId])).find((i) => i.kind === 'email' && i.verified);
  if (!email) throw new ForbiddenError('Sign in with your e-mail to ask.');
  const form = (await findWebform(s, COMMUNITY_FORM_SLUG))?.inbox ?? (await createInbox(s.db, s.now(), { name: 'Community', channel: 'webform', settings: { slug: COMMUNITY_FORM_SLUG, title: 'Community' } }));
  const nonce = randomBytes(12).toString('hex');
  const submission: WebformSubmission = {
    submissionId: nonce, name: publicName(member), email: email.value, subject: title.slice(0, 250), message: body.slice(0, 50_000), custom: [], attachments: [],
    submittedAt: s.now(), visibility: input.private ? 'private' : 'public', markdown: true, verified: true,
  };
  const [r] = await s.ingest.ingest(form, [{ key: `community:${nonce}`, raw: JSON.stringify(submission), rawType: WEBFORM_RAW_TYPE }]);
  if (!r.ticketId) throw new Error(`Question not stored: ${r.error ?? r.state}`);
  // The asker's topics are the community's public tags.
  const tags = [...new Set(input.tags.map((t) => t.trim().toLowerCase().replace(/[^a-z0-9-]/g, '')).filter(Boolean))].slice(0, 5);
  if (tags.length) await s.db.write(async (m) => { for (const tag of tags) await ticketRepository.addTag(m, r.ticketId!, tag.slice(0, 30), true); });
  return r.ticketId;
}

// The message must be one the member can see; answers 404 otherwise.
export async function visibleMessage(s: Services, viewer: Viewer, messageId: number) {
  const msg = await messageRepository.findById(s.db.m, messageId);
  const t = msg ? await ticketRepository.findById(s.db.m, msg.ticketId) : null;
  if (!msg || !t || !canSeeMessage(viewer, await accessFacts(s.db.m, viewer, t), msg)) throw new NotFoundError('Post');
  return { msg, ticket: t };
}

export async function votePost(s: Services, viewer: Member, messageId: number, value: -1 | 0 | 1): Promise<{ score: number; ticketId: number }> {
  await activeMember(s, viewer);
  const { msg, ticket } = await visibleMessage(s, viewer, messageId);
  if (msg.audience !== 'public') throw new NotFoundError('Post');
  if (msg.authorContactId === viewer.contactId) throw new ForbiddenError('You cannot vote on your own post.');
  const score = await s.db.transaction(async (tx) => {
    const { score: sc, previous } = await communityRepository.vote(tx.m, messageId, viewer.contactId, value, s.now());
    await addReputation(tx.m, msg.authorContactId, voteDelta(previous, value));
    tx.emit('message.updated', { ticketId: ticket.id, messageId, audience: msg.audience });
    return sc;
  });
  return { score, ticketId: ticket.id };
}

export async function flagPost(s: Services, viewer: Member, messageId: number, reason: string): Promise<void> {
  const { msg } = await visibleMessage(s, viewer, messageId);
  if (msg.audience !== 'public') throw new NotFoundError('Post');
  await s.db.write((m) => communityRepository.flag(m, messageId, viewer.contactId, reason.trim().slice(0, 200) || 'inappropriate', s.now()));
}

export async function moderate(s: Services, messageId: number, action: 'hide' | 'restore' | 'dismiss'): Promise<void> {
  const msg = await messageRepository.findById(s.db.m, messageId);
  if (!msg) throw new NotFoundError('Post');
  await s.db.transaction(async (tx) => {
    if (action !== 'dismiss') await messageRepository.update(tx.m, messageId, { hidden: action === 'hide' });
    await communityRepository.resolveFlags(tx.m, messageId, action, s.now());
    if (action !== 'dismiss') tx.emit('message.updated', { ticketId: msg.ticketId, messageId, audience: msg.audience });
  });
}

export async function setBanned(s: Services, contactId: number, banned: boolean): Promise<void> {
  if (!(await contactRepository.findById(s.db.m, contactId))) throw new NotFoundError('Contact');
  await s.db.write((m) => contactRepository.update(m, contactId, { banned }));
}
