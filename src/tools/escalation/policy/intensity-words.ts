import { words } from './word-list.js';

/** Words that strengthen the feeling word after them: "very disappointed", "so angry". */
export const BOOSTERS = new Set(
  words(`
    very really so extremely totally absolutely completely incredibly utterly truly seriously
    super such too highly deeply insanely ridiculously beyond thoroughly fucking bloody most
  `),
);

/** Word pairs and words that soften the feeling word after them: "a bit disappointed". */
export const DAMPENERS = new Set(
  words(`
    bit little slightly somewhat kinda sorta tad mildly fairly rather partly marginally
  `),
);

/** "kind of", "sort of": dampeners of two words whose first word is not one by itself. */
export const DAMPENER_PAIRS = new Set(['kind of', 'sort of']);
