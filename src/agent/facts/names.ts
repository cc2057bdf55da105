import type { Found } from './types.js';
import { allMatches } from '../../model/extractive/all-matches.js';

const MAX_NAME_WORDS = 3;

// "my name is …" anywhere; "this is … from/here" anywhere; "call me …" anywhere.
const MY_NAME = /\bmy name(?:'s|’s|\s+is)\s+/giu;
const THIS_IS = /\bthis is\s+/giu;
const CALL_ME = /\bcall me\s+/giu;
// "I'm …" and "this is …" introduce a name only at the very start, after an optional greeting:
// later in a message they describe a state ("… and I'm Unable to log in").
const OPENING =
  /^\s*(?:(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|dear [\p{L}]{1,30})(?: there| team| all| support| folks)?[\s,!.:;-]{0,6})?(i'm|i’m|im|i am|this is)\s+/iu;

// A capitalised word; bounded so that a pasted line of letters costs little.
const NAME_WORD = /\p{Lu}[\p{L}\p{M}'’-]{0,30}/uy;
const TITLE = /^(?:dr|mr|mrs|ms|miss|mx|prof)$/i;
// After "I'm Jane" the introduction has to end: "I'm Jane, …", "I'm Jane and …", "I'm Jane from …".
const INTRO_END = /^(?:\s*(?:[,.!;:)\n]|$)|\s+(?:and|from|here|with|at)\b|\s+-)/u;
const FROM_OR_HERE = /^\s+(?:from|here)\b/u;

// Capitalised words that follow "I'm", "this is" or "call me" without being names.
const NOT_NAMES = new Set(
  `i im i'm i’m a an the my your our this that it he she we they sorry unable not trying having
  looking getting still so very just really new here fine good great ok okay back afraid sure done
  stuck confused frustrated annoyed upset angry worried tired happy glad writing calling contacting
  interested available aware able ready unhappy disappointed pleased grateful thankful urgent
  important annoying ridiculous unacceptable please thanks thank hello hi hey dear support customer
  asap now today tomorrow tonight later soon morning afternoon evening monday tuesday wednesday
  thursday friday saturday sunday january february march april may june july august september
  october november december and or but if when what why how where who which`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/**
 * Names the customer gives: "my name is Jane Doe", "I'm Jane, …" at the start of the message,
 * "this is Jane from Acme", "call me Jane". Capitalised words only, up to three, ending at
 * punctuation; "I'm Unable to log in" and "call me Tomorrow" are not introductions.
 */
export function findNames(text: string): Found[] {
  const found: Found[] = [];
  const opening = OPENING.exec(text);
  if (opening) {
    const name = nameAt(text, opening[0].length);
    if (name && INTRO_END.test(text.slice(name.end, name.end + 12))) found.push(name);
  }
  for (const match of allMatches(text, MY_NAME))
    push(found, nameAt(text, match.index + match[0].length));
  for (const match of allMatches(text, THIS_IS)) {
    const name = nameAt(text, match.index + match[0].length);
    if (name && FROM_OR_HERE.test(text.slice(name.end, name.end + 8))) push(found, name);
  }
  for (const match of allMatches(text, CALL_ME))
    push(found, nameAt(text, match.index + match[0].length));
  return found;
}

function push(found: Found[], name: Found | null): void {
  if (name) found.push(name);
}

/** Up to three capitalised words from `at`, joined by single spaces. */
function nameAt(text: string, at: number): Found | null {
  const parts: string[] = [];
  let pos = at;
  let end = at;
  let titled = false;
  while (parts.length < MAX_NAME_WORDS + (titled ? 1 : 0)) {
    NAME_WORD.lastIndex = pos;
    const word = NAME_WORD.exec(text);
    if (!word) break;
    const after = pos + word[0].length;
    // Still letters: longer than any name word, or an "O'Brien"-like word with digits; stop.
    if (/[\p{L}\p{N}]/u.test(text[after] ?? '')) break;
    const bare = word[0].replace(/['’-]+$/, '');
    if (NOT_NAMES.has(bare.toLowerCase())) break;
    if (parts.length === 0 && TITLE.test(bare) && !titled) {
      titled = true;
      parts.push(text[after] === '.' ? `${bare}.` : bare);
      pos = after + (text[after] === '.' ? 1 : 0);
      if (text[pos] !== ' ') return null;
      pos++;
      continue;
    }
    parts.push(bare);
    end = pos + bare.length;
    if (text[after] !== ' ') break;
    pos = after + 1;
  }
  const words = titled ? parts.length - 1 : parts.length;
  if (words === 0) return null;
  return { kind: 'name', value: parts.join(' '), start: at, end };
}
