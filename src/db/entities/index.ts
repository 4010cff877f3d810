import { ChainLink } from './chain-link.entity';
import { ListeningItem, ListeningItemMatch, ListeningStream } from './listening.entity';
import { ErasureRequest } from './erasure-request.entity';
import { Macro } from './macro.entity';
import { Notification, NotificationPreference } from './notification.entity';
import { InstanceSetting } from './instance-setting.entity';
import { LegalHold } from './legal-hold.entity';
import { RetentionPolicy, RetentionRun } from './retention.entity';
import { Agent } from './agent.entity';
import { Attachment } from './attachment.entity';
import { ApiToken, OneTimeToken, Session } from './auth.entity';
import { Flag, SelfServiceAnswer, Vote } from './community.entity';
import { BusinessCalendarRow } from './business-calendar.entity';
import { AutomationRule, AutomationRun } from './automation-rule.entity';
import { CannedResponse } from './canned-response.entity';
import { Contact } from './contact.entity';
import { CsatSurvey } from './csat-survey.entity';
import { Identity } from './identity.entity';
import { ImapSyncState } from './imap-sync-state.entity';
import { JobLease } from './job-lease.entity';
import { InboundItem } from './inbound-item.entity';
import { Inbox } from './inbox.entity';
import { MailPreview } from './mail-preview.entity';
import { Message } from './message.entity';
import { OutboxItem } from './outbox-item.entity';
import { ReportFact } from './report-fact.entity';
import { SavedView } from './saved-view.entity';
import { SlaPolicy, TicketSlaClock } from './sla-policy.entity';
import { Team, TeamMember } from './team.entity';
import { ThreadLink } from './thread-link.entity';
import { TicketEvent } from './ticket-event.entity';
import { Ticket, TicketParticipant, TicketTag } from './ticket.entity';
import { Webhook, WebhookAttempt } from './webhook.entity';

export * from './agent.entity';
export * from './attachment.entity';
export * from './auth.entity';
export * from './community.entity';
export * from './business-calendar.entity';
export * from './canned-response.entity';
export * from './contact.entity';
export * from './csat-survey.entity';
export * from './identity.entity';
export * from './imap-sync-state.entity';
export * from './job-lease.entity';
export * from './inbound-item.entity';
export * from './inbox.entity';
export * from './mail-preview.entity';
export * from './message.entity';
export * from './outbox-item.entity';
export * from './report-fact.entity';
export * from './saved-view.entity';
export * from './sla-policy.entity';
export * from './team.entity';
export * from './thread-link.entity';
export * from './ticket-event.entity';
export * from './ticket.entity';
export * from './webhook.entity';
export * from './automation-rule.entity';
export * from './macro.entity';
export * from './chain-link.entity';
export * from './legal-hold.entity';
export * from './erasure-request.entity';
export * from './retention.entity';
export * from './listening.entity';
export * from './notification.entity';
export * from './instance-setting.entity';

export const entities = [
  Macro, ChainLink, LegalHold, ErasureRequest, RetentionPolicy, RetentionRun,
  Webhook, WebhookAttempt, Vote, Flag, SelfServiceAnswer, SavedView, CannedResponse, ReportFact, JobLease, BusinessCalendarRow, AutomationRule, AutomationRun, SlaPolicy, TicketSlaClock,
  Agent, Attachment, ApiToken, OneTimeToken, Session, Contact, Identity, InboundItem, Inbox,
  ImapSyncState, MailPreview, Message, OutboxItem, Team, TeamMember, ThreadLink, TicketEvent, Ticket, TicketParticipant, TicketTag,
  CsatSurvey,
  ListeningStream, ListeningItem, ListeningItemMatch,
  Notification, NotificationPreference,
  InstanceSetting,
];
