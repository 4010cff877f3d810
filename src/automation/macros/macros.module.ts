import type { ChorusModule } from '../../module';
import { macrosPageRoutes } from './macros-pages.routes';
import { macrosApiRoutes } from './macros.routes';

// Macros: admins write named action lists (/admin/macros, /api/macros); agents apply one to a
// ticket from its page, to many from the inbox bulk bar, or through the API.
export const macrosModule: ChorusModule = {
  name: 'macros',
  routes(r, s) {
    macrosApiRoutes(r, s);
    macrosPageRoutes(r, s);
  },
};
