import type { ChorusModule } from '../../module';
import { registerChannelSettings } from '../channel-settings';
import { webformRoutes } from '../../http/routes/webform.routes';
import { webformAdapter } from './webform.adapter';
import { webformSettingsSchema } from './webform-settings.schema';
import type { z } from 'zod';

registerChannelSettings('webform', webformSettingsSchema as unknown as z.ZodType<Record<string, unknown>>);

export const webformChannelModule: ChorusModule = {
  name: 'webform-channel',
  register(s) {
    s.parsers.register(webformAdapter);
  },
  routes: webformRoutes,
};
