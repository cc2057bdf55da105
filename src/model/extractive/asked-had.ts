import { stem } from '../../store/lexical/search-text.js';
import type { QuestionTerm } from './question-terms.js';
import type { Pick } from './quote.js';
import { allMatches } from './all-matches.js';

// A question whether something is had, offered or done ("do you sell gift cards?"), and what
// answers it.

/**
 * "do you sell …", "do any of the cars have …", "is there …", "can I get …", "can you
 * recommend …": a question whether something is had, offered or done, with what it asks about
 * after it (up to a comma, a preposition or a new clause: "a gift card" of "a gift card for my
 * dad's birthday").
 */
const ASKS_HAVE =
  /(?<!\b(?:why|how|what|where|when|who|which)\s+)\b(?:(?:do|does|will|would|can|could)\s+(?:you|y'?all|yall|u|ya|(?:any\s+of\s+)?(?:the|your)\s+\w+|they|we|i)\s+(?:guys\s+)?(?:have|has|sell|offer|provide|stock|carry|support|do|deliver|install|get|buy|recommend|suggest)|(?:is|are)\s+there)\s+(?!to\b)([^?.!,;:()]+)/gi;
const OBJECT_END =
  /\b(?:for|to|on|in|at|with|from|of|by|through|into|so|because|cause|since|if|when|while|after|before|within|during|until|till|like|instead|or\s+(?:do|does|is|are|can|will|would|should|i|we|just))\b/i;
/**
 * Words that name no thing of their own after "is there" / "do you have" ("any way to …", "get
 * it back"), and words of price: "is there a fee for returns?" asks about returns.
 */
export const GENERIC = new Set(
  `any anything something someone anyone way ways option options kind sort type chance
  possibility extra more other another else back up down out off over away
  fee fees charge charges cost costs price prices penalty`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** A thing spoken of already: "can I get it back?". */
export const PRONOUN = new Set(['it', 'them', 'this', 'that', 'these', 'those', 'one', 'mine']);

/** A word after "get" that makes it happen to someone: "get hit", "get charged". */
const PASSIVE =
  /^(?:\w+ed|hit|stung|caught|stuck|burnt|done|sent|given|taken|made|put|shut|cut|let|rid)$/;

/**
 * A word that says what is done to a thing, after the thing: "brought" of "beer brought over",
 * "cleaned" of "my car cleaned". Not an adjective before it ("a heated pool", "used cars").
 */
const DONE_TO =
  /^(?:\w{2,}[^e]ed|brought|bought|sent|given|taken|made|done|shown|sold|kept|held|put|cut|fixed)$/;

/**
 * The stems of what a question asks whether it is had, offered or done (see {@link ASKS_HAVE}):
 * "gift", "card" of "do you sell gift cards?"; none for any other question.
 */
export function askedHad(question: string, asks: RegExp = ASKS_HAVE): Set<string> {
  const asked = new Set<string>();
  for (const alternatives of askedAlternatives(question, asks)) {
    for (const stems of alternatives) for (const s of stems) asked.add(s);
  }
  return asked;
}

/**
 * What {@link askedHad} finds, each thing asked about as its alternatives: "a loyalty or rewards
 * program" is a loyalty program or a rewards program (stems "loyalty", "program" and "reward",
 * "program"). A help center that names one of them answers the question.
 */
export function askedAlternatives(question: string, asks: RegExp = ASKS_HAVE): Set<string>[][] {
  const out: Set<string>[][] = [];
  for (const m of allMatches(question.slice(0, 500), asks)) {
    const object = (m[1] ?? '').split(OBJECT_END)[0] ?? '';
    const words = object.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    // "will I get hit with fees", "get charged": a thing done to the customer, not one had;
    // "can I get it delivered": the thing is one spoken of already.
    if (PASSIVE.test(words[0] ?? '') || PRONOUN.has(words[0] ?? '')) continue;
    const parts: string[][] = [[]];
    for (const word of words) {
      // "can I get beer brought over", "can I get my car cleaned": what is done to the thing
      // named, after it, is no part of it.
      if (parts.some((part) => part.length > 0) && DONE_TO.test(word)) break;
      if (word === 'or') parts.push([]);
      else if (!GENERIC.has(word) && !DETERMINER.has(word)) parts.at(-1)?.push(word);
    }
    // The words after the last alternative name what each is ("program" of "a loyalty or
    // rewards program"): the last word of the last part goes with every part.
    const last = parts.at(-1) ?? [];
    const head = parts.length > 1 && last.length > 1 ? last.at(-1) : undefined;
    out.push(
      parts
        .filter((part) => part.length > 0)
        .map((part) => new Set([...part, ...(head ? [head] : [])].map((w) => stem(w)))),
    );
  }
  return out;
}

/** What a thing asked about is for: "on the bedding", "for students", "with furniture". */
const FOR_WHAT = /^\s*(?:on|for|with)\s+([^?.!,;:()]+)/i;

/** Words that say which, not what: "the", "my", "your". */
const DETERMINER = new Set(
  'a an the my our your his her their its this that these those any some all every each'.split(' '),
);

/**
 * What a question asks whether it is had (see {@link askedHad}), with what it is asked for,
 * after "on", "for" or "with": "is there a warranty on the bedding?" asks for a warranty
 * (stems "warranty") for the bedding ("bed"). Only the things asked for something.
 */
export function askedHadFor(question: string): Array<{ thing: Set<string>; forWhat: Set<string> }> {
  const out: Array<{ thing: Set<string>; forWhat: Set<string> }> = [];
  for (const m of allMatches(question.slice(0, 500), ASKS_HAVE)) {
    const object = m[1] ?? '';
    // Done to the customer ("get stung for leaving"), or a thing spoken of already: as above.
    const first = object.trim().toLowerCase().split(/\s+/)[0] ?? '';
    if (PASSIVE.test(first) || PRONOUN.has(first)) continue;
    const end = OBJECT_END.exec(object);
    if (end === null) continue;
    const rest = FOR_WHAT.exec(object.slice(end.index));
    if (rest === null) continue;
    const thing = wordsOf(object.slice(0, end.index));
    // What it is for ends where a new clause starts ("… on the bedding if I wash it hot").
    const forWhat = wordsOf((rest[1] ?? '').split(OBJECT_END)[0] ?? '');
    if (PRONOUN.has([...forWhat][0] ?? '')) continue;
    if (thing.size > 0 && forWhat.size > 0) out.push({ thing, forWhat });
  }
  return out;
}

/** The stems of the words of `text` that name something (not "a", "any", "fee"). */
function wordsOf(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(
    words.filter((w) => !GENERIC.has(w) && !DETERMINER.has(w) && !PRONOUN.has(w)).map(stem),
  );
}

/** "do you sell …", "do you have …", "is there …": whether the company offers a thing. */
const ASKS_OFFERED =
  /(?<!\b(?:why|how|what|where|when|who|which)\s+)\b(?:(?:do|does|will|would|can|could)\s+(?:you|y'?all|yall|u|ya|they|we)\s+(?:guys\s+)?(?:have|sell|offer|provide|stock|carry)|(?:is|are)\s+there)\s+(?!to\b)([^?.!,;:()]+)/gi;

/** A sentence that says something is not done: "… cannot be returned", "except …". */
const SAYS_NOT = /\b(?:not|no|never|cannot|except|excluding|excluded)\b|n['’]t\b/i;

/** A word that says whether a thing is had or offered: "sell", "available", "there is". */
const SAYS_HAD =
  /\b(?:ha(?:ve|s|d)|sell(?:s|ing)?|sold|offer(?:s|ed|ing)?|available|stock(?:s|ed)?|carr(?:y|ies|ied)|provid(?:e|es|ed|ing)|give(?:s|n)?|gave|buy|bought|purchas\w*|accept(?:s|ed)?|issu(?:e|es|ed)|support(?:s|ed)?|includ\w*|there\s+(?:is|are))\b/i;

/**
 * Whether the question asks if the company offers a thing ("do you sell gift cards?") and each
 * chosen sentence that names it says only what is not done with it ("Underwear, earrings and
 * gift cards cannot be returned"), in no word of having or offering: that tells nothing of
 * whether it is sold.
 */
export function offerUntold(
  picks: readonly Pick[],
  question: string,
  terms: readonly QuestionTerm[],
): boolean {
  const asked = askedHad(question, ASKS_OFFERED);
  if (asked.size === 0) return false;
  const thing = new Set<number>();
  terms.forEach((t, k) => {
    if (t.weak || t.fromContext) return;
    if (t.standsFor ? t.standsFor.some((s) => asked.has(s)) : asked.has(stem(t.term))) thing.add(k);
  });
  const naming = picks.filter((p) => [...p.candidate.matched].some((k) => thing.has(k)));
  return (
    naming.length > 0 &&
    naming.every(
      (p) => SAYS_NOT.test(p.candidate.unit.text) && !SAYS_HAD.test(p.candidate.unit.text),
    )
  );
}
