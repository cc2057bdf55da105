import { governingNegator } from './negation.js';
import { matchPhraseAt, quote, type PhraseSet } from './phrases.js';
import {
  COULD_HAVE,
  COULD_HAVE_CONTRACTED,
  CUT_OFF,
  FIGURATIVE_AFTER_EXPLODED,
  FIRE_THINGS,
  HARM_PATTERNS,
  HARM_PHRASES,
  HAZARD_PATTERNS,
  HAZARD_PHRASES,
  HYPOTHETICAL,
} from './safety-words.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { matchAnyAt, type PatternSet } from './word-pattern.js';

/** A safety incident: what was said, and whether a person was harmed. */
export interface SafetyMatch extends SignalMatch {
  /** Someone was hurt (an injury, a burn, a shock, poisoning…), not only put in danger. */
  readonly harmed: boolean;
}

/**
 * Finds a report of a safety incident: a person harmed (injured, burned, an electric shock,
 * poisoning, an allergic reaction, a hospital) or a danger (fire, flames, an explosion, smoke,
 * a burning smell, sparks). Whole words, reports only: a negated one ("no one was hurt") does
 * not count, nor one after "if" or "risk" in its sentence ("what if it catches fire?"), nor a
 * calm use of the same words ("fire TV stick", "burn a CD", "shock absorber").
 */
export function detectSafety(text: string, tokens: readonly Token[]): SafetyMatch | undefined {
  const harm = firstReport(tokens, HARM_PHRASES, HARM_PATTERNS);
  const hazard = firstReport(tokens, HAZARD_PHRASES, HAZARD_PATTERNS);
  const found = [hazard, harm]
    .filter((match) => match !== undefined)
    .sort((a, b) => a.start - b.start);
  if (found.length === 0) return undefined;
  const quoted = found.map((m) => `"${quote(text, tokens, m.start, m.end)}"`).join(', ');
  return {
    detail: `${harm ? 'safety incident, someone hurt' : 'safety incident'}: ${quoted}`,
    harmed: harm !== undefined,
  };
}

function firstReport(
  tokens: readonly Token[],
  phrases: PhraseSet,
  patterns: PatternSet,
): { start: number; end: number } | undefined {
  for (let index = 0; index < tokens.length; index += 1) {
    const length = matchPhraseAt(phrases, tokens, index);
    const end = Math.max(length > 0 ? index + length : -1, matchAnyAt(patterns, tokens, index));
    if (end < 0 || figurative(tokens, end)) continue;
    if (governingNegator(tokens, index, 3) >= 0 || hypothetical(tokens, index)) continue;
    if (couldHave(tokens, index)) continue;
    return { start: index, end };
  }
  return undefined;
}

/** "a fire TV stick", "exploded with messages": the words that follow say it is no incident. */
function figurative(tokens: readonly Token[], end: number): boolean {
  const last = tokens[end - 1];
  const next = tokens[end];
  if (last === undefined || next === undefined || next.clause !== last.clause) return false;
  if (last.word === 'fire') return FIRE_THINGS.has(next.word);
  if (last.word === 'exploded') return FIGURATIVE_AFTER_EXPLODED.has(next.word);
  // "a rash of emails"
  if (last.word === 'rash') return next.word === 'of';
  // "are you going to cut me off?", "the call cut us short": a supply or a call stopped, no wound
  if (tokens[end - 2]?.word === 'cut') return CUT_OFF.has(next.word);
  return false;
}

/** A word before `index` in its sentence that makes it a question about a risk. */
function hypothetical(tokens: readonly Token[], index: number): boolean {
  const sentence = tokens[index]?.sentence;
  for (let back = index - 1; back >= 0; back -= 1) {
    const token = tokens[back];
    if (token === undefined || token.sentence !== sentence) return false;
    if (HYPOTHETICAL.has(token.word)) return true;
  }
  return false;
}

/**
 * "Could it have burned my hand?", "it could've burned him", "would the stove have burned my
 * hand": a past modal and "have" just before the match ask about, or imagine, a harm that did not
 * happen. The modal may stand up to three words before "have", its subject between.
 */
function couldHave(tokens: readonly Token[], index: number): boolean {
  const before = tokens[index - 1];
  if (before === undefined) return false;
  if (COULD_HAVE_CONTRACTED.has(before.word)) return true;
  if (before.word !== 'have') return false;
  for (let back = index - 2; back >= Math.max(0, index - 5); back -= 1) {
    const token = tokens[back];
    if (token === undefined || token.sentence !== before.sentence) return false;
    if (COULD_HAVE.has(token.word)) return true;
  }
  return false;
}
