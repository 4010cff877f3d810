import type { ChorusModule } from '../../module';
import { apiChannelRoutes } from '../../http/routes/api-channel.routes';
import { apiCallbackSender, planApiCallback } from './api-callback.sender';
import { apiAdapter } from './api.adapter';

export const apiChannelModule: ChorusModule = {
  name: 'api-channel',
  register(s) {
    s.parsers.register(apiAdapter);
    s.outbound.register(planApiCallback);
    s.outbox.register('api-callback', apiCallbackSender(s.db, s.config.CHORUS_SEND_TIMEOUT_MS));
  },
  routes: apiChannelRoutes,
};
