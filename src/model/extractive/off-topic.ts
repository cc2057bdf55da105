import { stem } from '../../store/lexical/search-text.js';
import { queryTerms, words } from '../../rag/search/query-terms.js';
import type { Document } from './documents.js';
import { isWeakWord, type QuestionTerm } from './question-terms.js';
import { answersAwaited, matchTerms, type Candidate, type Scored } from './scoring.js';
import { Synonyms } from '../../rag/search/synonyms.js';
import { phraseUntold } from './phrase-untold.js';
import { askedAlternatives, GENERIC, offerUntold, PRONOUN } from './asked-had.js';
import type { Pick } from './quote.js';
import { allMatches } from './all-matches.js';

// Whether the sentences chosen answer the question asked, or only share a word with it: a
// question about something the help center never mentions is not answered.

/**
 * Whether the chosen sentences answer something other than what is asked, by any check of this
 * file or {@link phraseUntold}. `scored` are the sentences they were chosen from, `all` every
 * sentence of the passages (some may have been left out as said before).
 */
export function answersOtherThing(
  picks: readonly Pick[],
  { scored, all }: { scored: Scored; all: Scored },
  question: string,
  terms: readonly QuestionTerm[],
  documents: readonly Document[],
): boolean {
  return (
    aboutSomethingElse(picks, scored, terms, documents, question) ||
    asksForUnmentioned(question, terms, all) ||
    actionUntold(picks, question, terms, all, documents) ||
    phraseUntold(picks, all, terms) ||
    offerUntold(picks, question, terms)
  );
}

/**
 * Whether the chosen sentences answer a question about something else: the question has a word
 * of its own (no question word, conversational word, verb of coming in a question that asks
 * when, as "arrive" of "when do refunds arrive?", word that says something has not come, as
 * "arrived yet" of "my parcel hasn't arrived yet", or word of an earlier question) that no
 * passage has, in no related form either ("bitcoin", "fdic"), and not only in a clause that says
 * when ("sign" of "after I sign up", the circumstances), and the sentences hold only one
 * of its own words (counting a related word for the word it stands for, and no phrase read as a
 * whole), one that another article found has too ("app"), or one that ends the question right
 * after the word no passage has ("the wifi password"). A follow-up answered through the
 * question it follows is answered.
 */
export function aboutSomethingElse(
  picks: readonly Pick[],
  scored: Scored,
  terms: readonly QuestionTerm[],
  passages: readonly Document[],
  question = '',
): boolean {
  if (picks.length === 0) return false;
  const stemOf = (k: number) => stem(terms[k]?.term ?? '');
  // The words that say something has not come ("hasn't arrived yet") say what is asked, not
  // what about.
  const saying = scored.shape.awaited?.saying;
  const own = terms.flatMap((t, k) =>
    !t.weak && !t.fromContext && !t.coming && t.standsFor === undefined && !saying?.has(k)
      ? [k]
      : [],
  );
  const ownStems = (indices: Iterable<number>) => ownStemsOf(terms, indices);
  const anywhere = new Set<number>();
  for (const c of scored.candidates) for (const k of c.matched) anywhere.add(k);
  const known = ownStems(anywhere);
  // A word no passage has in a clause that says when ("after I sign up", "while I'm abroad")
  // tells the circumstances, not what is asked about.
  const when = whenClauseStems(question);
  if (own.every((k) => known.has(stemOf(k)) || when.has(stemOf(k)))) return false;
  const answered = new Set<number>();
  for (const { candidate } of picks) {
    for (const k of candidate.matched) answered.add(k);
    for (const k of candidate.context) answered.add(k);
  }
  // A follow-up answered through the question it follows ("and to Canada?") is answered.
  if ([...answered].some((k) => terms[k]?.fromContext)) return false;
  const answeredStems = ownStems(answered);
  const held = own.filter((k) => answeredStems.has(stemOf(k)));
  // A phrase the search read as a whole ("kicking me out" for "sign out") holds a meaning of its
  // own, though its words are no topic words.
  const phrases = new Set<string>();
  for (const k of answered) {
    const stands = terms[k]?.standsFor;
    if (stands && !own.some((o) => stands.includes(stemOf(o)))) phrases.add(stands.join(' '));
  }
  // Told that something has not come and answered with when it comes or what to do about it
  // ("If our engineer misses your installation appointment, we credit £30 …" for "the guy
  // never turned up for my install"), the answer holds what the question says of it too.
  const awaited = scored.shape.awaited;
  const answersIt =
    awaited !== undefined && picks.some((p) => answersAwaited(p.candidate, awaited));
  // Told how a thing came ("my vase arrived broken"), a sentence that says how things come
  // ("If an item arrives damaged, …") holds what the question says of it, whatever the thing
  // is called: a product the pages never name does not make it an answer to something else.
  const comes =
    held.length > 0 &&
    picks.some((p) =>
      [...p.candidate.matched].some((k) => terms[k]?.coming === true && !terms[k]?.fromContext),
    );
  // Words held by different pages do not add up to a match: one sentence that says "first"
  // and another page's that says "tent" do not answer "my tent pole snapped on the first trip".
  // The page that holds the most of them is what the answer rests on.
  const perPage = new Map<number, Set<number>>();
  for (const { candidate } of picks) {
    let page = perPage.get(candidate.doc);
    if (!page) perPage.set(candidate.doc, (page = new Set()));
    for (const k of candidate.matched) page.add(k);
    for (const k of candidate.context) page.add(k);
  }
  // Counted from 0, not from `Math.max()` of nothing (-Infinity), should no page hold any.
  let heldOnOnePage = 0;
  for (const page of perPage.values()) {
    const stems = ownStems(page);
    heldOnOnePage = Math.max(heldOnOnePage, own.filter((k) => stems.has(stemOf(k))).length);
  }
  if (heldOnOnePage + phrases.size + (answersIt ? 1 : 0) + (comes ? 1 : 0) > 1) return false;
  // A follow-up answered with none of the conversation's words, on one word of its own, is
  // answered about something else: "I bought them 70 days ago though" after "I want to return
  // my boots" is not asking what the warranty says of items bought from resellers.
  if (terms.some((t) => t.fromContext) && phrases.size === 0 && !answersIt) return true;
  // A word no passage has, in no related form either, right before the one word held, which
  // ends the question, names which of that thing is asked of ("whats the wifi password"): what
  // the pages say of another ("Tap Forgot password …", of the app's) does not answer, however
  // rare the word held is.
  const related = new Set([...anywhere].flatMap((k) => terms[k]?.standsFor ?? []));
  const untold = new Set(
    own
      .map(stemOf)
      .filter((s) => !known.has(s) && !when.has(s) && !related.has(s) && !/\d/.test(s)),
  );
  if (
    phrases.size === 0 &&
    !answersIt &&
    !comes &&
    held.length === 1 &&
    endsWithQualified(question, stemOf(held[0] ?? -1), untold)
  ) {
    return true;
  }
  // The one word held says little when other articles found have it too ("app", "account"); a
  // rarer one ("defective", for "damaged") is what the question is about. Articles, not
  // passages: the sections of one article on installing all say "install", and it is their topic.
  const articles = new Map<string, Set<string>>();
  for (const c of scored.candidates) {
    const article = passages[c.doc]?.article ?? String(c.doc);
    let stems = articles.get(article);
    if (!stems) articles.set(article, (stems = new Set()));
    for (const s of ownStems(c.matched)) stems.add(s);
  }
  // Measured on the help centers of test/answer-quality.test.ts: "in two articles" catches every
  // off-topic question "in two passages" did, and refuses four right answers fewer.
  const common = 2;
  return (
    phrases.size === 0 &&
    held.every(
      (k) => [...articles.values()].filter((stems) => stems.has(stemOf(k))).length >= common,
    )
  );
}

/**
 * Whether the last word of `question` is of stem `held`, right after a word of one of the stems
 * `untold`: "wifi" before "password" of "whats the wifi password".
 */
function endsWithQualified(question: string, held: string, untold: ReadonlySet<string>): boolean {
  if (untold.size === 0) return false;
  const said = words(question);
  const last = said.at(-1);
  const before = said.at(-2);
  if (last === undefined || before === undefined) return false;
  if (stem(last) !== held || !untold.has(stem(before))) return false;
  // Unless the word is a kind of the thing held ("uni students" are students).
  return !Synonyms.default.related(before).some((r) => stem(r.term) === held);
}

/**
 * Whether the question asks if something is had (see {@link askedAlternatives}) whose words include one
 * of the question's own that no passage has, in no related form either: "do the cars have apple
 * carplay?" where no page says "carplay". The help center does not say so, whatever else its
 * pages share with the question ("apple", of Apple Pay).
 */
export function asksForUnmentioned(
  question: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
): boolean {
  const things = askedAlternatives(question);
  if (things.length === 0) return false;
  const known = new Set<string>();
  for (const c of scored.candidates) {
    for (const s of ownStemsOf(terms, c.matched)) known.add(s);
    for (const s of ownStemsOf(terms, c.context)) known.add(s);
  }
  const strong = (asked: ReadonlySet<string>) =>
    terms.flatMap((t) =>
      !t.weak && !t.fromContext && t.standsFor === undefined && asked.has(stem(t.term))
        ? [stem(t.term)]
        : [],
    );
  const untold = (asked: ReadonlySet<string>) => strong(asked).some((s) => !known.has(s));
  const told = (asked: ReadonlySet<string>) => {
    const own = strong(asked);
    return own.length > 0 && own.every((s) => known.has(s));
  };
  // Asked for one thing or another ("a loyalty or rewards program"), one the pages name answers;
  // not one of words that name nothing ("heat pumps or help with …").
  return things.some((alternatives) => alternatives.some(untold) && !alternatives.some(told));
}

/**
 * "how do I …", "how can we …", "I want to …", "where can I …", "can I …", "can I still …": a
 * question how to do something, or whether it can be done (yet), with the verb of what is to be
 * done and what follows it.
 */
const HOW_TO_DO =
  /\b(?:how\s+(?:do|can|could|should|would)\s+(?:i|we)|(?:i|we)\s+(?:want|need|would\s+like|['’]d\s+like)\s+to|where\s+(?:do|can|could)\s+(?:i|we)|(?:can|could|may)\s+(?:i|we))\s+(still\s+)?(\p{L}+)\s+([^?.!,;:()]+)/giu;

/** Where what an action is done to ends: "a pair of shoes" of "… a pair of shoes for my son". */
const ACTION_END =
  /\b(?:for|to|on|in|at|with|from|by|through|into|so|because|since|if|when|while|before|after|and|or|but)\b/i;

/**
 * Whether a question how to do something to a thing ("How do I open an account?", "Can I change
 * my delivery address?") finds its verb and its thing only apart, in passages about other
 * things: the verb in another sense ("Open the link and choose a new password") or done to
 * another thing ("Changing your password"), the thing with other verbs ("… the e-mail address of
 * your account", "We deliver to most countries in Europe"). No sentence holds both, under its
 * heading or in itself, and no title or heading names the verb but of the thing, so the help
 * center does not say how to do it; yet the answer found stands on the thing. A related word
 * counts for the word it stands for ("close" for "delete" of "delete my account"). A thing no
 * passage has, answered with sentences that do the verb in passing to another ("You can add up
 * to 3 additional users" for "can I add a coupon?"), is not told either; else a verb or a thing
 * no passage has is left to {@link aboutSomethingElse}.
 */
export function actionUntold(
  picks: readonly Pick[],
  question: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
  documents: readonly Document[] = [],
): boolean {
  if (picks.length === 0) return false;
  for (const m of allMatches(question.slice(0, 500), HOW_TO_DO)) {
    const object = (m[3] ?? '').split(ACTION_END)[0] ?? '';
    const objectWords = object.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    // "can I set that up today?": what is done to is a thing spoken of already, and the words
    // after it ("today") tell when or how, not what.
    if (spokenOf(objectWords)) continue;
    const things = new Set(
      objectWords.filter((word) => !GENERIC.has(word)).map((word) => stem(word)),
    );
    const verb = termsFor(terms, new Set([stem((m[2] as string).toLowerCase())]));
    const thing = termsFor(terms, things);
    if (verb.size === 0 || thing.size === 0) continue;
    const holds = (c: Candidate, of: ReadonlySet<number>) =>
      [...c.matched, ...c.context].some((k) => of.has(k));
    // A thing no passage names, in no related form ("add a coupon" where no page speaks of
    // coupons), answered with sentences that hold of the question's own words only the verb,
    // under headings that do not name it: the verb done to another thing in passing ("You can
    // add up to 3 additional users" under "Giving someone else access"). Under a heading that
    // names it, the section tells how to do it, whatever the thing ("Start a return" under
    // "How to start a return", for "how do I return a vase?").
    if (
      !scored.candidates.some((c) => holds(c, thing)) &&
      picks.some((p) => holds(p.candidate, verb)) &&
      picks.every(
        (p) =>
          holdsOnly(p.candidate, terms, verb) && !headedBy(p.candidate, documents, terms, verb),
      )
    ) {
      return true;
    }
    // "Can I still leave stars?" asks whether the time for it has passed: the sentence that
    // says how long may name the thing with a verb of its own ("You can rate an order from 1 to
    // 5 stars for up to 7 days").
    if (m[1] !== undefined) continue;
    // The answer stands on the thing, in sentences that do nothing to it.
    if (!picks.some((p) => holds(p.candidate, thing))) continue;
    // A title or heading with the verb ("Tracking your order" for "how can I track my
    // package?") heads a section about doing it, whatever the help center calls the thing; not
    // one that does it to another thing ("Changing your password").
    if (headsAction(scored, documents, terms, verb, thing)) continue;
    const withVerb = scored.candidates.filter((c) => holds(c, verb));
    if (withVerb.length > 0 && !withVerb.some((c) => holds(c, thing))) return true;
  }
  return false;
}

/**
 * Whether what an action is done to is a thing spoken of already: "it", "them" ("can I send it
 * back tomorrow?"), or "that", "this" alone or before a word of no meaning of its own ("can I
 * set that up today?"); not "this jacket" of "can I return this jacket?".
 */
function spokenOf(object: readonly string[]): boolean {
  const [first, second] = object;
  if (first === undefined || !PRONOUN.has(first)) return false;
  return DETERMINER_TOO.has(first) ? second === undefined || GENERIC.has(second) : true;
}

/** Pronouns that may also say which ("this jacket", "one size"). */
const DETERMINER_TOO = new Set(['this', 'that', 'these', 'those', 'one']);

/**
 * Whether of the question's own strong words (not those of an earlier question) `c` holds, in
 * itself or under its heading, none but those of `of` (indices of `terms`).
 */
function holdsOnly(c: Candidate, terms: readonly QuestionTerm[], of: ReadonlySet<number>): boolean {
  return [...c.matched, ...c.context].every(
    (k) => of.has(k) || terms[k]?.weak !== false || terms[k]?.fromContext === true,
  );
}

/**
 * Whether the title, a heading of the passage or a heading above `c` in it names one of `of`
 * (indices of `terms`). Without the passage to read, it is taken to.
 */
function headedBy(
  c: Candidate,
  documents: readonly Document[],
  terms: readonly QuestionTerm[],
  of: ReadonlySet<number>,
): boolean {
  const document = documents[c.doc];
  if (document === undefined) return true;
  const above = document.units.slice(0, c.index).filter((u) => u.heading || u.question);
  return [document.title, ...document.headings, ...above.map((u) => u.text)].some((heading) =>
    [...matchTerms(heading, terms)].some((k) => of.has(k)),
  );
}

/**
 * Whether a title or heading of the passages names the verb (`verb`, indices of `terms`) and no
 * other thing than the question's (`thing`), or words that name nothing ("order", "help").
 */
function headsAction(
  scored: Scored,
  documents: readonly Document[],
  terms: readonly QuestionTerm[],
  verb: ReadonlySet<number>,
  thing: ReadonlySet<number>,
): boolean {
  const headings = new Set<string>();
  for (const c of scored.candidates) {
    if (c.unit.heading === true || c.unit.question === true || c.unit.fromHeading === true) {
      headings.add(c.unit.text);
    } else if ([...c.context].some((k) => verb.has(k))) {
      const document = documents[c.doc];
      // Without the passage's headings to read, the verb over the sentence is taken as it was.
      if (document === undefined) return true;
      for (const heading of [document.title, ...document.headings]) headings.add(heading);
    }
  }
  for (const heading of headings) {
    if (![...matchTerms(heading, terms)].some((k) => verb.has(k))) continue;
    const names = (word: string) =>
      !isWeakWord(word) && ![...matchTerms(word, terms)].some((k) => verb.has(k) || thing.has(k));
    if (!queryTerms(heading).contentTerms.some(names)) return true;
  }
  return false;
}

/**
 * The question's own strong terms (indices) with one of `stems`, and the related words that
 * stand for one of them.
 */
function termsFor(terms: readonly QuestionTerm[], stems: ReadonlySet<string>): Set<number> {
  const out = new Set<number>();
  terms.forEach((t, k) => {
    if (t.weak || t.fromContext) return;
    if (t.standsFor ? t.standsFor.some((s) => stems.has(s)) : stems.has(stem(t.term))) {
      out.add(k);
    }
  });
  return out;
}

/**
 * The stems of the question's own words that `indices` (of `terms`) hold, directly or through a
 * related word standing for them; words of an earlier question are not the question's own.
 */
function ownStemsOf(terms: readonly QuestionTerm[], indices: Iterable<number>): Set<string> {
  const out = new Set<string>();
  for (const k of indices) {
    const term = terms[k];
    if (term?.standsFor) for (const s of term.standsFor) out.add(s);
    else if (term && !term.fromContext) out.add(stem(term.term));
  }
  return out;
}

/** Where a clause that says when opens: "after", "before", "until", "while", "once" … */
const WHEN_CLAUSE = /\b(?:after|before|until|till|while|whilst|once|since|during)\b/gi;
/** Where such a clause ends. */
const CLAUSE_END = /[,;:.!?]|\b(?:and|but|so|or|until|till)\b/i;

/** The stems of the words of the clauses of `question` that say when ("after I sign up"). */
function whenClauseStems(question: string): Set<string> {
  const text = question.slice(0, 2000);
  const out = new Set<string>();
  for (const m of allMatches(text, WHEN_CLAUSE)) {
    const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 200);
    const clause = rest.split(CLAUSE_END)[0] ?? '';
    for (const w of words(clause)) out.add(stem(w));
  }
  return out;
}
