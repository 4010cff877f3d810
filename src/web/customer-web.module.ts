import { communityRoutes } from '../http/routes/community.routes';
import { customerAuthRoutes } from '../http/routes/customer-auth.routes';
import { profileRoutes } from '../http/routes/profile.routes';
import { threadRoutes } from '../http/routes/thread.routes';
import { suggestionRoutes } from '../community/suggestions.routes';
import type { ChorusModule } from '../module';

// The customer-facing web: sign-in by e-mail link, "My tickets", thread pages and the community.
export const customerWebModule: ChorusModule = {
  name: 'customer-web',
  routes(r, s) {
    customerAuthRoutes(r, s);
    profileRoutes(r, s);
    // Before the thread routes: /community/ask must not be read as a question number.
    communityRoutes(r, s);
    suggestionRoutes(r, s);
    threadRoutes(r, s);
  },
};
