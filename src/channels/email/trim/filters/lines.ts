// Shared vocabulary of the reply-trimming filters: a mail is a list of lines, and every filter
// returns the lines a reader should still see.
export type TrimFilter = { name: string; apply: (lines: string[]) => string[] };

// JS's \b only knows ASCII letters, so "På" or "napisał" never end on one; these do.
export const WORD_START = '(?<![\\p{L}\\p{N}])';
export const WORD_END = '(?![\\p{L}\\p{N}])';

export const isBlank = (line: string | undefined) => !line || line.trim() === '';

// "> text", and the initials some clients quote with ("JD> text", "C> text").
export const isQuoted = (line: string) => /^\s*(>|[A-Z][A-Za-z]{0,2}>)/.test(line);

export const hasText = (lines: string[], from = 0, to = lines.length) => {
  for (let k = Math.max(from, 0); k < Math.min(to, lines.length); k++) if (!isBlank(lines[k])) return true;
  return false;
};

export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/u;
export const TIME = /(?<![\p{N}])\d{1,2}[:.]\d{2}(?![\p{N}])/u;

// Cut everything from `at` on, unless that would leave the reader nothing.
export const cutAt = (lines: string[], at: number) => (at > 0 && hasText(lines, 0, at) ? lines.slice(0, at) : lines);
