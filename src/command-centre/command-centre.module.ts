import type { ChorusModule } from '../module';
import { commandCentreRoutes } from './command-centre.routes';

// /reports/live: one screen for a wall. The page is drawn on the server; with JavaScript it
// joins the command-centre socket room and takes each coalesced refresh (see live-feed.ts).
export const commandCentreModule: ChorusModule = {
  name: 'command-centre',
  routes: commandCentreRoutes,
};
