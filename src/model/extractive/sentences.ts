/** One unit of a passage: a sentence, a list item or a heading line. */
export interface Sentence {
  /** The text, whitespace collapsed, without its list marker or heading hashes. */
  text: string;
  /** A list item ("- …", "* …", "1. …"): its own unit, shown as a list line. */
  list: boolean;
  /** A numbered or lettered list item ("1. …", "b) …"): a step, which reads in order. */
  step?: boolean;
  /** A numbered step's number as the list writes it ("3." of "3) …"), to be quoted with it. */
  label?: string;
  /** A Markdown heading line: context for what follows, never an answer on its own. */
  heading: boolean;
  /** Ends with "?": in FAQ text the question being answered, or a follow-up prompt. */
  question: boolean;
}

// Abbreviations after which a full stop does not end the sentence.
const ABBREVIATIONS = new Set(
  `e.g i.e etc vs cf approx dept est inc ltd co corp jr sr dr mr mrs ms mx prof st ave rd mt
  a.m p.m u.s u.k e.u min max incl excl fig no nr vol pp p ch sec art tel ext`
    .split(/\s+/)
    .filter((w) => w !== ''),
);
// These end a sentence when a capitalised word follows ("… and so on, etc. Then …").
const MAY_END = new Set(['etc', 'no', 'p', 'co', 'inc', 'ltd', 'corp', 'sec', 'min', 'max']);
// Before a number these are labels: "No. 5", "p. 12", "ext. 204".
const BEFORE_NUMBER = new Set(['no', 'nr', 'vol', 'pp', 'p', 'ch', 'sec', 'art', 'fig', 'ext']);

const LIST_MARKER = /^(?:[-*•+–]|\d{1,3}[.)]|[a-z][.)])\s+/;
const HEADING_MARKER = /^#{1,6}\s+/;
// Sentence-ending punctuation, with closing quotes and brackets, followed by white space.
const BOUNDARY = /[.!?…]+["'”’)\]]*(?=\s)/g;
// What may follow a question mark at the end of a question: closing quotes and brackets.
const CLOSERS = `"'”’)]`;
// Terminal escape sequences ("\u001b[31m", pasted from a console) whole, then other control
// characters: dropping only the ESC would leave "[31m" to be quoted.
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Splits passage text into sentences. Line breaks end paragraphs (the chunker writes one block
 * per line) unless a line is plainly wrapped mid-sentence; list and heading lines are units of
 * their own. A full stop ends a sentence only when white space and a word that is not in lower
 * case follow, and not after an abbreviation ("e.g.", "Dr.") or an initial — so decimals ("2.5")
 * and URLs ("example.com/a.html") stay whole.
 *
 * @example
 * splitSentences('Refunds take 2.5 days, e.g. by card. Dr. Lee approves them.').map((s) => s.text)
 * // ['Refunds take 2.5 days, e.g. by card.', 'Dr. Lee approves them.']
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  for (const block of blocks(text.replace(CONTROL, ' '))) {
    if (block.heading || block.list) {
      const item = unit(block.text, block.list, block.heading, block.step);
      if (block.label !== undefined) item.label = block.label;
      out.push(item);
      continue;
    }
    for (const sentence of splitParagraph(block.text)) out.push(unit(sentence, false, false));
  }
  return out.filter((s) => s.text !== '');
}

// White space other than single spaces between words: most text has none to collapse.
const UNTIDY_SPACE = /[^\S ]| {2}|^ | $/;

function unit(text: string, list: boolean, heading: boolean, step = false): Sentence {
  const clean = UNTIDY_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
  const sentence: Sentence = { text: clean, list, heading, question: endsQuestion(clean) };
  if (step) sentence.step = true;
  return sentence;
}

/** Whether `text` ends with "?" and any closing quotes and brackets. Read from the end only. */
function endsQuestion(text: string): boolean {
  let at = text.length - 1;
  while (at >= 0 && CLOSERS.includes(text.charAt(at))) at--;
  return at >= 0 && text.charCodeAt(at) === 0x3f;
}

interface Block {
  text: string;
  list: boolean;
  step: boolean;
  label?: string;
  heading: boolean;
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (line === '') {
      current = null;
      continue;
    }
    const heading = HEADING_MARKER.exec(line);
    const list = heading ? null : LIST_MARKER.exec(line);
    // A line that starts in lower case after one that did not end a sentence is a hard wrap.
    if (current && !heading && !list && /^\p{Ll}/u.test(line) && !/[.!?:]$/.test(current.text)) {
      current.text += ` ${line}`;
      continue;
    }
    const number = list === null ? null : /^(\d{1,3})[.)]/.exec(list[0]);
    current = {
      text: heading || list ? line.slice((heading ?? list)?.[0].length ?? 0) : line,
      list: list !== null,
      step: list !== null && /^[\da-z]/.test(list[0]),
      ...(number ? { label: `${number[1]}.` } : {}),
      heading: heading !== null,
    };
    out.push(current);
  }
  return out;
}

function splitParagraph(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length;
    if (endsSentence(text, match.index, match[0], end)) {
      out.push(text.slice(start, end));
      start = end;
    }
  }
  out.push(text.slice(start));
  return out;
}

function endsSentence(text: string, at: number, punctuation: string, end: number): boolean {
  const next = /\S/.exec(text.slice(end, end + 8))?.[0] ?? '';
  if (next === '' || /\p{Ll}/u.test(next)) return false;
  if (punctuation !== '.') return true;
  // The word before the full stop, within a short reach: abbreviations are short.
  const before = /[^\s([{"'“‘]*$/.exec(text.slice(Math.max(0, at - 12), at))?.[0] ?? '';
  const word = before.toLowerCase();
  if (/^\p{Lu}$/u.test(before)) return false; // an initial: "J. Smith"
  if (BEFORE_NUMBER.has(word) && /\d/.test(next)) return false;
  if (ABBREVIATIONS.has(word)) return MAY_END.has(word) && !/\d/.test(next);
  return true;
}
