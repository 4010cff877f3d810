import { TrimFilter, cutAt } from './lines';

// Leftover decoration lines at the end (---, ***, ~~~, a lone zero-width mark).
export const trailingRules: TrimFilter = {
  name: 'trailing-rules',
  apply: (lines) => {
    let i = lines.length;
    while (i > 0 && /^\s*([-_=*#~+]{2,}|[\u1427\u200b]|)\s*$/.test(lines[i - 1])) i--;
    return i < lines.length ? cutAt(lines, i) : lines;
  },
};
