import type { Services } from '../../services';
import { RuleEngine } from './rule-engine';

// One engine per running Chorus (tests run several in one process).
const engines = new WeakMap<Services, RuleEngine>();

export function ruleEngineOf(s: Services): RuleEngine {
  let e = engines.get(s);
  if (!e) engines.set(s, (e = new RuleEngine(s)));
  return e;
}
