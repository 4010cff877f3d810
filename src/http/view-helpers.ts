import { channelSvg } from '../agent-web/channel-icons';
import { formatDateTime } from '../agent-web/date-time-text';
import type { HelperOptions } from 'handlebars';
import { i18nHelpers } from '../i18n/i18n-helpers';
import { relativeTime } from '../time/relative-time';

// Handlebars helpers shared by pages and e-mails.
export const handlebarsHelpers = {
  eq: (a: unknown, b: unknown) => a === b,
  json: (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c'),
  timeago: (iso: string | number, o?: HelperOptions) => relativeTime(iso, undefined, { locale: (o?.data?.root?.locale as string | undefined) ?? 'en' }),
  ...i18nHelpers,
  formatDateTime,
  // {{{channelIcon channel}}}: the channel's inline SVG mark.
  channelIcon: (channel: string) => channelSvg(String(channel)),
  year: () => new Date().getFullYear(),
};
