import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { AgentLastAssigned1764000000500 } from './1764000000500-agent-last-assigned';
import { ImapSyncState1764000001800 } from './1764000001800-imap-sync-state';
import { SearchIndex1764000002000 } from './1764000002000-search-index';
import { CommunityVotesFlags1764000003000 } from './1764000003000-community-votes-flags';
import { SavedViewsCannedResponses1764000004000 } from './1764000004000-saved-views-canned-responses';
import { TicketSubjectSearch1764000005000 } from './1764000005000-ticket-subject-search';
import { TicketCountsIndex1764000006000 } from './1764000006000-ticket-counts-index';
import { InboxFirstResponseSla1764000007000 } from './1764000007000-inbox-first-response-sla';
import { TicketOrderIndexes1764000008000 } from './1764000008000-ticket-order-indexes';
import { InboundClaims1764000009000 } from './1764000009000-inbound-claims';
import { InboundRetry1764000010000 } from './1764000010000-inbound-retry';
import { OutboxLanes1764000011000 } from './1764000011000-outbox-lanes';
import { InboundHistoric1764000011100 } from './1764000011100-inbound-historic';
import { MailPreviews1764000011200 } from './1764000011200-mail-previews';
import { MessageAuthorName1764000012000 } from './1764000012000-message-author-name';
import { EmailContentKeys1764000012100 } from './1764000012100-email-content-keys';
import { InboxClosedReplies1764000014000 } from './1764000014000-inbox-closed-replies';
import { TicketAutomatic1764000015000 } from './1764000015000-ticket-automatic';
import { TicketSubjectSearchRepair1764000015100 } from './1764000015100-ticket-subject-search-repair';
import { PublicTags1764000016000 } from './1764000016000-public-tags';
import { ReportFacts1764000018000 } from './1764000018000-report-facts';
import { JobLeases1764000019000 } from './1764000019000-job-leases';
import { SocketIoAttachments1764000019100 } from './1764000019100-socket-io-attachments';
import { RateLimits1764000019200 } from './1764000019200-rate-limits';
import { CsatSurveys1764000020000 } from './1764000020000-csat-surveys';
import { TicketAwaitingAgent1764000021000 } from './1764000021000-ticket-awaiting-agent';
import { ReportRollups1764000022000 } from './1764000022000-report-rollups';
import { ReportRollupsBusiness1764000022100 } from './1764000022100-report-rollups-business';
import { CommunityFactChannel1764000023000 } from './1764000023000-community-fact-channel';
import { BusinessCalendars1764000024000 } from './1764000024000-business-calendars';
import { SlaPolicies1764000024100 } from './1764000024100-sla-policies';
import { TicketEventCause1764000025000 } from './1764000025000-ticket-event-cause';
import { AutomationRules1764000025100 } from './1764000025100-automation-rules';
import { Webhooks1764000027000 } from './1764000027000-webhooks';
import { SnoozeAutoClose1764000026000 } from './1764000026000-snooze-auto-close';
import { Macros1764000026100 } from './1764000026100-macros';
import { ReportTouchLinks1764000030000 } from './1764000030000-report-touch-links';
import { KeptTicketCounts1764000035000 } from './1764000035000-kept-ticket-counts';
import { ChainLinks1764000036000 } from './1764000036000-chain-links';
import { SecureDelete1764000036100 } from './1764000036100-secure-delete';
import { ErasureRequests1764000036200 } from './1764000036200-erasure-requests';
import { LegalHolds1764000038000 } from './1764000038000-legal-holds';
import { ReportOutcomes1764000031000 } from './1764000031000-report-outcomes';
import { RetentionPolicies1764000038100 } from './1764000038100-retention-policies';
import { Listening1764000039400 } from './1764000039400-listening';
import { Notifications1764000039700 } from './1764000039700-notifications';
import { ContactPublicProfile1764000040000 } from './1764000040000-contact-public-profile';
import { InstanceSettings1764000040050 } from './1764000040050-instance-settings';
import { ContactLanguage1764000040060 } from './1764000040060-contact-language';
import { ContactSearchKeys1764000040550 } from './1764000040550-contact-search-keys';
import { AgentLocale1764000040700 } from './1764000040700-agent-locale';
import { ReportFactsSettle1764000040600 } from './1764000040600-report-facts-settle';
import { ListeningDropPostedIndex1764000040300 } from './1764000040300-listening-drop-posted-index';
import { ConfigVersions1764000040150 } from './1764000040150-config-versions';
import { SelfServiceAnswers1764000040460 } from './1764000040460-self-service-answers';
import { ListeningRuleNote1764000040450 } from './1764000040450-listening-rule-note';
import { ListeningAutoTicket1764000040310 } from './1764000040310-listening-auto-ticket';
import { ListeningPriority1764000039900 } from './1764000039900-listening-priority';
import { ReportChannelRollups1764000032000 } from './1764000032000-report-channel-rollups';
import { AgentTheme1764000039600 } from './1764000039600-agent-theme';
import { ContactNotes1764000039950 } from './1764000039950-contact-notes';
import { ChannelRollupsTrigger1764000040100 } from './1764000040100-channel-rollups-trigger';
import { AgentRollups1764000040110 } from './1764000040110-agent-rollups';

// Listed explicitly (no glob) so the same list works under ts-jest and from dist/; one a line, in
// timestamp order, so branches adding migrations merge cleanly.
export const migrations = [
  InitialSchema1764000000000,
  AgentLastAssigned1764000000500,
  ImapSyncState1764000001800,
  SearchIndex1764000002000,
  CommunityVotesFlags1764000003000,
  SavedViewsCannedResponses1764000004000,
  TicketSubjectSearch1764000005000,
  TicketCountsIndex1764000006000,
  InboxFirstResponseSla1764000007000,
  TicketOrderIndexes1764000008000,
  InboundClaims1764000009000,
  InboundRetry1764000010000,
  OutboxLanes1764000011000,
  InboundHistoric1764000011100,
  MailPreviews1764000011200,
  MessageAuthorName1764000012000,
  EmailContentKeys1764000012100,
  InboxClosedReplies1764000014000,
  TicketAutomatic1764000015000,
  TicketSubjectSearchRepair1764000015100,
  PublicTags1764000016000,
  ReportFacts1764000018000,
  JobLeases1764000019000,
  SocketIoAttachments1764000019100,
  RateLimits1764000019200,
  CsatSurveys1764000020000,
  TicketAwaitingAgent1764000021000,
  ReportRollups1764000022000,
  ReportRollupsBusiness1764000022100,
  CommunityFactChannel1764000023000,
  BusinessCalendars1764000024000,
  SlaPolicies1764000024100,
  TicketEventCause1764000025000,
  AutomationRules1764000025100,
  Webhooks1764000027000,
  SnoozeAutoClose1764000026000,
  Macros1764000026100,
  ReportTouchLinks1764000030000,
  KeptTicketCounts1764000035000,
  ChainLinks1764000036000,
  SecureDelete1764000036100,
  ErasureRequests1764000036200,
  LegalHolds1764000038000,
  ReportOutcomes1764000031000,
  RetentionPolicies1764000038100,
  ReportChannelRollups1764000032000,
  Listening1764000039400,
  AgentTheme1764000039600,
  Notifications1764000039700,
  ListeningPriority1764000039900,
  ContactNotes1764000039950,
  ContactPublicProfile1764000040000,
  InstanceSettings1764000040050,
  ContactLanguage1764000040060,
  ListeningDropPostedIndex1764000040300,
  ChannelRollupsTrigger1764000040100,
  ConfigVersions1764000040150,
  AgentRollups1764000040110,
  ListeningAutoTicket1764000040310,
  ListeningRuleNote1764000040450,
  SelfServiceAnswers1764000040460,
  ContactSearchKeys1764000040550,
  AgentLocale1764000040700,
  ReportFactsSettle1764000040600,
];
