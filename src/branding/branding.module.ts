import type { ChorusModule } from '../module';
import { brandingRoutes } from './branding.routes';

// The company's name, logo and accent colour on the community, forms, threads and e-mails.
export const brandingModule: ChorusModule = {
  name: 'branding',
  routes: (r, s) => brandingRoutes(r, s),
};
