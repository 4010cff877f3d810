import { apiChannelModule } from './channels/api/api.module';
import { webformChannelModule } from './channels/webform/webform.module';
import { emailModule } from './channels/email/email.module';
import { imapPollerModule } from './channels/email/imap/imap-poller.module';
import { socialModule } from './channels/social/social.module';
import type { ChorusModule } from './module';
import { autoAssignModule } from './tickets/auto-assign';
import { customerWebModule } from './web/customer-web.module';
import { agentWebModule } from './agent-web/agent-web.module';
import { mailPreviewModule } from './mail-preview/mail-preview.module';
import { reportsModule } from './reports/reports.module';
import { commandCentreModule } from './command-centre/command-centre.module';
import { automationModule } from './automation/automation.module';
import { webhooksModule } from './automation/webhooks/webhooks.module';
import { snoozeModule } from './automation/snooze/snooze.module';
import { autoCloseModule } from './automation/auto-close/auto-close.module';
import { csatModule } from './csat/csat.module';
import { slaModule } from './automation/sla/sla.module';
import { macrosModule } from './automation/macros/macros.module';
import { redactionModule } from './archive/redaction/redaction.module';
import { retentionModule } from './archive/retention/retention.module';
import { exportModule } from './archive/export/export.module';
import { keptCountsModule } from './tickets/kept-counts.module';
import { erasureModule } from './archive/erasure/erasure.module';
import { listeningModule } from './listening/listening.module';
import { listeningTriageModule } from './listening/triage.module';
import { notificationsModule } from './notifications/notifications.module';
import { onboardingModule } from './onboarding/onboarding.module';
import { brandingModule } from './branding/branding.module';
import { languagesModule } from './i18n/languages.module';

// Every feature module, in mount order (one per line, so branches adding modules merge cleanly). Channels add themselves here.
export const modules: ChorusModule[] = [
  apiChannelModule,
  emailModule,
  imapPollerModule,
  socialModule,
  autoAssignModule,
  webformChannelModule,
  customerWebModule,
  agentWebModule,
  mailPreviewModule,
  reportsModule,
  commandCentreModule,
  automationModule,
  slaModule,
  webhooksModule,
  snoozeModule,
  autoCloseModule,
  csatModule,
  macrosModule,
  redactionModule,
  retentionModule,
  exportModule,
  keptCountsModule,
  erasureModule,
  listeningModule,
  listeningTriageModule,
  notificationsModule,
  onboardingModule,
  brandingModule,
  languagesModule,
];
