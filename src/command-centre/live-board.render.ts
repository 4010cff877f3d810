import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { handlebarsHelpers } from '../http/view-helpers';
import { ROOT } from '../paths';
import type { presentLiveBoard } from './live-board.presenter';

// The page includes views/partials/live-board.hbs through the view engine; a live refresh
// renders the very same partial here, so the pushed board is the page's board.
let template: Handlebars.TemplateDelegate | null = null;

export function renderLiveBoard(board: ReturnType<typeof presentLiveBoard>): string {
  if (!template) {
    const hbs = Handlebars.create();
    hbs.registerHelper(handlebarsHelpers);
    template = hbs.compile(fs.readFileSync(path.join(ROOT, 'views/partials/live-board.hbs'), 'utf8'));
  }
  return template(board);
}
