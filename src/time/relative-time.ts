import path from 'node:path';
import { ROOT } from '../paths';

export interface RelativeTimeOptions { locale?: string; style?: 'long' | 'short' | 'narrow'; unknown?: string }
type Formatter = (then: string | number | Date | null | undefined, now?: number, opts?: RelativeTimeOptions) => string;

// The same file the pages load from /static: one formatter for what the server renders and what
// the scripts update live.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const relativeTime: Formatter = require(path.join(ROOT, 'public', 'relative-time.js'));
