import type { ChorusModule } from '../../module';
import { erasureRoutes } from './erasure.routes';

// Erasure: an admin forgets a contact, by page, API or `chorus contact:erase`.
export const erasureModule: ChorusModule = { name: 'erasure', routes: erasureRoutes };
