// On a solved question opened from a suggestion (?from=community or ?from=form:<slug>): "Did this
// answer your question?", whose yes is counted and whose no goes back to the form; ?answered=1
// thanks the visitor after a yes. Anything else in the query shows nothing.
export interface SelfServicePrompt { from: string; askAgain: string; answered: boolean }

export function selfServicePrompt(query: Record<string, unknown>): SelfServicePrompt | null {
  const from = typeof query.from === 'string' ? query.from : '';
  const answered = query.answered === '1';
  const m = /^(community|form:([a-z0-9-]{1,60}))$/.exec(from);
  if (!m && !answered) return null;
  return { from: m ? from : '', askAgain: m?.[2] ? `/forms/${m[2]}` : '/community/ask', answered };
}
