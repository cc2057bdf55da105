/**
 * Words by which a customer corrects a detail given before: "sorry, my email is actually …",
 * "oops, typo: …", "I meant …", "use … instead", "the right number is …", "my new address is …".
 * Words such as "wrong" or "new" count only next to what they say is wrong or new ("wrong
 * e-mail", "new number"): "I received the wrong item, order 5521" corrects no order number.
 */
const CORRECTING =
  /\b(?:actually|oops|whoops|correction|corrected|typo|i\s+meant|i\s+mean|meant\s+to\s+(?:say|write|type|put)|instead|rather|apologies|my\s+(?:bad|mistake)|should\s+(?:be|have\s+been|read|say)|(?:wrong|new|correct|right|updated|changed|current)\s+(?:[a-z]+\s+)?(?:one|e-?mail|address|mail|number|phone|mobile|name|details?)|(?:changed|updated)\s+(?:it|that|this|my\s+\S+)\s+to|(?:was|is)\s+wrong)\b|\bsorry\s*(?:[,;:!.—–-]|$)/i;

/** How far back from a detail its clause may reach, in characters. */
const REACH = 120;
/** A sentence that only says a correction follows: "Oops, typo.", "Sorry!", "Correction:". */
const ONLY_CORRECTING =
  /^[\s,;:!.—–-]*(?:(?:oops|whoops|sorry|correction|typo|my\s+bad|my\s+mistake|apologies)[\s,;:!.—–-]*)+$/i;

/**
 * Whether the detail at `[start, end)` of `text` corrects one given before: its clause — from
 * the end of the sentence or the detail before it (`from`) to the end of its sentence or the
 * next detail (`to`) — holds a word that corrects ({@link CORRECTING}), or the sentence before
 * it only says that a correction follows ("Oops, typo.").
 */
export function correctsEarlier(
  text: string,
  start: number,
  end: number,
  from: number,
  to: number,
): boolean {
  const floor = Math.max(from, start - REACH);
  let head = floor;
  for (let i = start - 1; i >= floor; i--) {
    if (endsSentence(text, i)) {
      head = i + 1;
      break;
    }
  }
  // "Oops, typo. It is 0612345679": a sentence before that only says a correction follows.
  if (
    head > floor &&
    ONLY_CORRECTING.test(text.slice(sentenceStart(text, head - 1, floor), head))
  ) {
    return true;
  }
  let tail = Math.min(to, end + REACH);
  for (let i = end; i < tail; i++) {
    if (endsSentence(text, i)) {
      tail = i;
      break;
    }
  }
  return CORRECTING.test(text.slice(head, start)) || CORRECTING.test(text.slice(end, tail));
}

/** Where the sentence that ends at `end` starts, looking no further back than `floor`. */
function sentenceStart(text: string, end: number, floor: number): number {
  for (let i = end - 1; i >= floor; i--) if (endsSentence(text, i)) return i + 1;
  return floor;
}

/** Whether position `i` ends a sentence: a line break, or `.!?` followed by white space. */
function endsSentence(text: string, i: number): boolean {
  const ch = text[i];
  if (ch === '\n' || ch === '\r') return true;
  return (ch === '.' || ch === '!' || ch === '?') && /\s/.test(text[i + 1] ?? ' ');
}

/**
 * Words right before a detail that say it is not the customer's ("jane@example.org, not
 * john@example.org", "don't use 0612345679", "instead of …"), at the end of the text before it.
 */
const NEGATING =
  /(?:^|[^\p{L}'’])(?:not|never|instead\s+of|rather\s+than|(?:don['’]?t|do\s+not|never|no\s+longer)\s+(?:use|write\s+to|e-?mail|mail|call|text|contact|reach\s+me\s+(?:at|on)))(?:\s+(?:at|on|to|via))?[\s:,]*$/iu;

/** How far back from a detail a negation may stand, in characters. */
const NEGATION_REACH = 40;

/**
 * Whether the detail starting at `start` is said not to be the customer's: a negation
 * ({@link NEGATING}) stands right before it, after `from` (the end of the detail before it).
 */
export function negatedDetail(text: string, start: number, from: number): boolean {
  return NEGATING.test(text.slice(Math.max(from, start - NEGATION_REACH), start));
}
