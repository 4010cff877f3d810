import type { ChorusModule } from '../module';
import { onboardingRoutes } from './onboarding.routes';

// A first run that explains itself: the empty inbox's getting-started steps (getting-started.ts,
// shown by the inbox page) and the test mail they offer.
export const onboardingModule: ChorusModule = {
  name: 'onboarding',
  routes: (r, s) => onboardingRoutes(r, s),
};
