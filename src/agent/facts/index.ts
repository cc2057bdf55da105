export { currentFacts, describeFact, readFact } from './describe-fact.js';
export { extractFacts, MAX_FACTS_PER_MESSAGE } from './extract-facts.js';
export { givenAside } from './given-aside.js';
export type { Fact, FactKind } from './types.js';
