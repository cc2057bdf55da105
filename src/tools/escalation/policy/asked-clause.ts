import type { Token } from './tokenize.js';
import { words } from './word-list.js';

/**
 * Words that make the words after them, in the same part of a clause, a question, a condition
 * or a time clause: "how do I cancel right now", "I'd like to know if I can leave straight
 * away", "if I cancel today, do I get a refund", "when I open the app it crashes immediately".
 */
const QUESTION_WORDS = new Set(
  words(`
    how when what where why which who whether if
    how's when's what's where's who's hows whens whats wheres
  `),
);

/** Auxiliaries that open a yes/no question: "can I leave …", "is my account going to …". */
const AUXILIARIES = new Set(
  words(`
    can could will would shall should may might must do does did is are am was were have has
  `),
);

/** Of those, the ones that also open a command ("do it now", "have someone call me today"). */
const COMMAND_VERBS = new Set(words('do have'));

/**
 * Of those, the ones that with "you" after them ask the agent to do something ("can you fix it
 * right now?", "could you please refund me straight away?"). "Will you" is left out: "will you
 * charge me right away?" asks what will happen.
 */
const REQUEST_AUXILIARIES = new Set(words('can could would'));

/** The agent, as a request names them: "you", and as it is texted, "u" and "ya". */
const YOU = new Set(words('you u ya'));

/** Conjunctions that start a new part of a clause: "my heating is off and I need it today". */
const JOINERS = new Set(words('and but so or'));

/** Words before a clause's first real word that do not change what it is. */
const OPENING_FILLERS = new Set(
  words('and but so or then also ok okay well hi hey hello please pls just oh um sorry actually'),
);

/**
 * For each word of a message, whether it is inside a question or a condition: its part of the
 * clause opens with a question word or an auxiliary ("can I leave straight away?", "will it be
 * shut off right away?"), or a question word comes before it there ("tell me how to cancel
 * right now", "if I pay today …"). An auxiliary that can also give a command ("do", "have")
 * opens a question only when the sentence ends with a question mark. One pass over the words,
 * so a long message with many time words stays linear.
 */
export function askedWords(text: string, tokens: readonly Token[]): readonly boolean[] {
  const questionMarked = sentencesEndingWithQuestionMark(text, tokens);
  return clauseParts(
    tokens,
    (part, token) =>
      part.questionSeen ||
      (part.opener !== undefined &&
        AUXILIARIES.has(part.opener) &&
        (!COMMAND_VERBS.has(part.opener) || questionMarked.has(token.sentence))),
  );
}

/** Where a word stands in its part of a clause, as {@link clauseParts} tells it. */
interface ClausePart {
  /** The part's first word past the fillers ("can" of "ok can you…"); undefined before it. */
  opener: string | undefined;
  /** The index of `opener` among the tokens. */
  openerAt: number;
  /** A question word came before the word in its part ("tell me how …", "if I …"). */
  questionSeen: boolean;
}

/**
 * For each word of a message, `decide` of where it stands in its part of a clause: a part
 * begins with each clause and after each joiner ("and", "but"…). One pass over the words.
 */
function clauseParts(
  tokens: readonly Token[],
  decide: (part: Readonly<ClausePart>, token: Token) => boolean,
): boolean[] {
  const decided: boolean[] = [];
  const part: ClausePart = { opener: undefined, openerAt: -1, questionSeen: false };
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    const previous = tokens[index - 1];
    if (previous?.clause !== token.clause || JOINERS.has(previous.word)) {
      part.opener = undefined;
      part.questionSeen = false;
    }
    decided.push(decide(part, token));
    if (QUESTION_WORDS.has(token.word)) part.questionSeen = true;
    if (part.opener === undefined && !OPENING_FILLERS.has(token.word)) {
      part.opener = token.word;
      part.openerAt = index;
    }
  }
  return decided;
}

/** The sentences whose last word is followed by a question mark. */
function sentencesEndingWithQuestionMark(text: string, tokens: readonly Token[]): Set<number> {
  const marked = new Set<number>();
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (token === undefined || next?.sentence === token.sentence) continue;
    if (text.slice(token.end, next?.start).includes('?')) marked.add(token.sentence);
  }
  return marked;
}

/**
 * For each word of a message, whether its part of the clause is a request to the agent put as a
 * question: it opens with "can you", "could you" or "would you" ("can you fix it right now?"),
 * and no question word comes before it there ("can you tell me if I can cancel right now?" asks
 * whether). {@link askedWords} reads such words as asked too; a word that presses for time there
 * presses all the same.
 */
export function requestedWords(tokens: readonly Token[]): readonly boolean[] {
  return clauseParts(
    tokens,
    (part) =>
      part.opener !== undefined &&
      REQUEST_AUXILIARIES.has(part.opener) &&
      !part.questionSeen &&
      YOU.has(tokens[part.openerAt + 1]?.word ?? ''),
  );
}
