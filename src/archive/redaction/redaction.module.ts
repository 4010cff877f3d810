import type { ChorusModule } from '../../module';
import './redaction-settings';
import { redactionRoutes } from './redaction.routes';

// Redaction: agents remove a card number or password from a message for good.
export const redactionModule: ChorusModule = { name: 'redaction', routes: redactionRoutes };
