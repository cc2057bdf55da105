import { queryTerms } from '../rag/index.js';
import { searchWords, stem } from '../store/lexical/search-text.js';
import { attachedFileName } from './shown-source.js';

/** A file the customer sent earlier in the session, read into its search scope. */
export interface SessionFile {
  /** Its name as the session's search scope has it (`attachment:<name>`). */
  name: string;
  /** The number of the customer's message it came with. */
  seq: number;
}

/**
 * The memory that records a file read into the session's scope, stored as a memory of type
 * `file`. It is loaded with the customer's facts, which every turn loads anyway: a later turn
 * learns which files the session has without reading the scope, and a session that never had a
 * file pays nothing for it. It is no fact: the customer did not tell it, so it is neither among
 * their details in a ticket's summary (which names the files apart) nor counted toward the
 * facts a session keeps. A language model is given it among what is known of the customer.
 */
export function fileMemory(name: string, seq: number): string {
  return `${FILE_LABEL}${name} (message ${seq})`;
}

const FILE_LABEL = 'Attached file: ';
/** The name is read up to the last "(message N)": a name may hold the like itself. */
const FILE_LINE = /^Attached file: (.+) \(message (\d+)\)$/;

/** The files a session's memories record (see {@link fileMemory}), oldest first. */
export function sessionFiles(lines: readonly string[]): SessionFile[] {
  return lines.flatMap((line) => {
    if (!line.startsWith(FILE_LABEL)) return [];
    const m = FILE_LINE.exec(line);
    return m ? [{ name: m[1] as string, seq: Number(m[2]) }] : [];
  });
}

/**
 * Words that name what a customer sends: "the invoice", "my bill", "the attachment". The
 * customer's own document is named so; a help-center page never is by a customer.
 */
const DOCUMENT_WORDS = new Set([
  'attachment',
  'attachments',
  'attached',
  'bill',
  'bills',
  'contract',
  'doc',
  'document',
  'documents',
  'file',
  'files',
  'invoice',
  'invoices',
  'letter',
  'pdf',
  'receipt',
  'statement',
  'screenshot',
]);

/** Words that point at what came just before: "when is it due?", "what does this say?". */
const POINTING_WORDS = new Set(['it', 'this', 'that', 'these', 'those', 'they', 'them']);

/**
 * Words of a question that ask what a file says rather than name what is asked of it: "what
 * does this say?", "how much is it?". A question of only these (and the file's names) asks for
 * what the file says.
 */
const ASKING_WORDS = new Set([
  'say',
  'says',
  'said',
  'mean',
  'means',
  'show',
  'shows',
  'read',
  'contain',
  'contains',
  'tell',
  'tells',
  'much',
  'many',
]);

/** The words of a file's name, without its extension: "contract" of "contract-2024.pdf". */
function nameWords(name: string): string[] {
  const dot = name.lastIndexOf('.');
  return searchWords(dot > 0 ? name.slice(0, dot) : name).filter((w) => w.length >= 3);
}

/**
 * The earlier files a message without files of its own asks about, by name: those of the
 * customer's message just before it (`seq - 2`, the reply between), when it follows them ("how
 * much do I owe?" after "here is my invoice"); every file of the session when it names one
 * ("what's the late fee on the invoice?", "my bill", "the contract" of contract.pdf). Whether
 * it points at them is said apart (`points`): a question that names or, just after them,
 * points at the files ("when is it due?") is searched in them first.
 */
export function filesAskedOf(
  question: string,
  files: readonly SessionFile[],
  seq: number,
): { names: string[]; points: boolean } {
  if (files.length === 0) return { names: [], points: false };
  const words = searchWords(question);
  const fileWords = new Set(files.flatMap((f) => nameWords(f.name)));
  const names = words.some((w) => DOCUMENT_WORDS.has(w) || fileWords.has(w));
  if (names) return { names: [...new Set(files.map((f) => f.name))], points: true };
  const justBefore = files.filter((f) => f.seq === seq - 2).map((f) => f.name);
  return { names: justBefore, points: words.some((w) => POINTING_WORDS.has(w)) };
}

/**
 * Whether a question sent with (or about) files points at them: it names what a customer sends
 * ("the invoice", "my bill") or one of them, or points at them ("what does this say?").
 */
export function pointsAtFiles(question: string, names: readonly string[]): boolean {
  const fileWords = new Set(names.flatMap(nameWords));
  return searchWords(question).some(
    (w) => DOCUMENT_WORDS.has(w) || POINTING_WORDS.has(w) || fileWords.has(w),
  );
}

/**
 * What a question about files asks of them: its content words but those that name the files or
 * only ask what they say ("how much is this invoice?" asks nothing of them but what they say).
 */
export function askedOfFiles(question: string, names: readonly string[]): string[] {
  const fileWords = new Set(names.flatMap(nameWords));
  return queryTerms(question).contentTerms.filter(
    (w) => !DOCUMENT_WORDS.has(w) && !ASKING_WORDS.has(w) && !fileWords.has(w),
  );
}

/** Endings that make a word of another of its family: "payment" of "pay", "billing" of "bill". */
const DERIVED = /^(?:ment|ments|ing|ings|ed|er|ers|able|al|ation|ations|ance|ence|s|es)$/;

/**
 * Whether the passages have a word of each of `asked`, or of its family ("payment" for "pay":
 * an invoice's "Late payment fee" is about when to pay, though the search, which matches
 * stems, does not find it by "pay").
 */
export function holdsAll(asked: readonly string[], texts: readonly string[]): boolean {
  if (asked.length === 0) return false;
  const words = new Set(texts.flatMap((t) => searchWords(t)));
  const stems = new Set([...words].map((w) => stem(w)));
  // The family by the word as written: Porter makes "pay" "pai", which starts no "payment".
  const derived = (word: string) =>
    [...words].some(
      (w) => w.length > word.length && w.startsWith(word) && DERIVED.test(w.slice(word.length)),
    );
  return asked.every((word) => stems.has(stem(word)) || derived(word));
}

/**
 * A question the help center answers even when it is sent with a file: how to do something,
 * whether it may be done, why, or what the company's way is ("how do I return an item?" with a
 * receipt, "can I pay this by card?", "why is my bill so high?"). The help center is
 * authoritative on those; the file only on what it says itself (amounts, dates, numbers).
 */
export function asksHelpCenter(question: string): boolean {
  return ASKS_HELP_CENTER.test(question.slice(0, 2_000));
}

const ASKS_HELP_CENTER =
  /\bhow\s+(?:do|does|can|could|should|would|to)\b|\bwhere\s+(?:do|can|could|should)\s+(?:i|we)\b|\b(?:can|could|may)\s+(?:i|we)\b|\bwhy\b|\bwhat\s+happens\b|\bdo\s+you\b|\bpolic(?:y|ies)\b/i;

/** Words of a file quoted as its opening, as the attachments tool previews a file it reads. */
const OPENING_WORDS = 60;

/**
 * The earlier files whose lead passages were found (see `searchFileLead`), as a file sent with
 * the message is quoted: by name, from its opening. A question about them that none of their
 * words answer ("how much do I owe?" after the invoice) is answered with what they say, as it
 * is when the file comes with it. The passages in the order they were stored: the file's own.
 */
export function quotedFiles(
  hits: ReadonlyArray<{ source: string; chunkId: number; text: string }>,
): Array<{ name: string; preview: string }> {
  const byName = new Map<string, Array<{ chunkId: number; text: string }>>();
  for (const hit of hits) {
    const name = attachedFileName(hit.source);
    if (name === undefined) continue;
    byName.set(name, [...(byName.get(name) ?? []), hit]);
  }
  return [...byName].map(([name, passages]) => {
    const text = passages
      .sort((a, b) => a.chunkId - b.chunkId)
      .map((p) => p.text)
      .join('\n');
    return { name, preview: openingLines(text) };
  });
}

/** The first {@link OPENING_WORDS} words of `text`, its lines kept: "Total: £45.00" is a line. */
function openingLines(text: string): string {
  const lines: string[] = [];
  let count = 0;
  for (const line of text.split('\n')) {
    const words = line
      .split(/\s+/, OPENING_WORDS - count + 1)
      .filter((word) => word !== '')
      .slice(0, OPENING_WORDS - count);
    if (words.length > 0) lines.push(words.join(' '));
    count += words.length;
    if (count >= OPENING_WORDS) break;
  }
  return lines.join('\n');
}
