import { channelSvg } from '../agent-web/channel-icons';
import { relativeTime } from '../time/relative-time';

// Handlebars helpers shared by pages and e-mails.
export const handlebarsHelpers = {
  eq: (a: unknown, b: unknown) => a === b,
  json: (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c'),
  timeago: (iso: string | number) => relativeTime(iso),
  // {{{channelIcon channel}}}: the channel's inline SVG mark.
  channelIcon: (channel: string) => channelSvg(String(channel)),
  year: () => new Date().getFullYear(),
};
