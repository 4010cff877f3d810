import { apiChannelModule } from './channels/api/api.module';
import type { ChorusModule } from './module';
import { autoAssignModule } from './tickets/auto-assign';

// Every feature module, in mount order. Channels add themselves here.
export const modules: ChorusModule[] = [apiChannelModule, autoAssignModule];
