import { adminPages } from '../http/routes/admin-pages.routes';
import { contactListPage } from '../contacts/contact-list-page.routes';
import { contactPages } from '../contacts/contacts-pages.routes';
import { passwordResetPages } from '../http/routes/password-reset-pages.routes';
import { adminInboxSettingsPages } from '../http/routes/admin-inbox-settings.routes';
import { agentInboxPages } from '../http/routes/agent-inbox.routes';
import { agentSessionPages } from '../http/routes/agent-session-pages.routes';
import { agentTicketPages } from '../http/routes/agent-ticket.routes';
import { cannedResponsesRoutes } from '../http/routes/canned-responses.routes';
import { searchPages } from '../http/routes/search-pages.routes';
import type { ChorusModule } from '../module';
import { agentLanguageRoutes } from '../agents/agent-language.routes';

// The agent app: sign-in and setup, the live inbox, the ticket page, search, canned responses
// and the admin pages.
export const agentWebModule: ChorusModule = {
  name: 'agent-web',
  routes(r, s) {
    agentSessionPages(r, s);
    agentLanguageRoutes(r, s);
    passwordResetPages(r, s);
    agentInboxPages(r, s);
    agentTicketPages(r, s);
    searchPages(r, s);
    cannedResponsesRoutes(r, s);
    adminPages(r, s);
    contactListPage(r, s);
    contactPages(r, s);
    adminInboxSettingsPages(r, s);
  },
};
