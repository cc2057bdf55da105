export { contactOf, contactOfLines } from './contact.js';
export type { Contact } from './contact.js';
export { currentFacts, describeFact, readFact } from './describe-fact.js';
export { detailsFound, extractFacts, MAX_FACTS_PER_MESSAGE } from './extract-facts.js';
export type { DetailsFound } from './extract-facts.js';
export { givenAside } from './given-aside.js';
export type { Fact, FactKind } from './types.js';
