import { apiChannelModule } from './channels/api/api.module';
import { webformChannelModule } from './channels/webform/webform.module';
import type { ChorusModule } from './module';
import { autoAssignModule } from './tickets/auto-assign';
import { customerWebModule } from './web/customer-web.module';

// Every feature module, in mount order. Channels add themselves here.
export const modules: ChorusModule[] = [apiChannelModule, autoAssignModule, webformChannelModule, customerWebModule];
