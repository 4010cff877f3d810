import { TrimFilter, cutAt } from './lines';

// The "-- " delimiter (and the "--" many clients leave of it), and a line of underscores.
const DELIMITER = /^(-- ?|__+)$/;

export const signature: TrimFilter = {
  name: 'signature',
  apply: (lines) => {
    const i = lines.findIndex((l, idx) => idx > 0 && DELIMITER.test(l));
    return i > 0 ? cutAt(lines, i) : lines;
  },
};
