/** Counts above this are stored as this: no chunk repeats one word 32,767 times. */
const MAX_COUNT = 0x7fff;

/**
 * The chunks in which one term occurs, in ascending chunk order, each with the term's count in
 * the whole chunk and in its title (title and heading path), the two packed in one small
 * integer. A knowledge base of 10k chunks has about a million postings; arrays of small
 * integers keep them compact (V8 stores them unboxed) and cheap to grow while indexing.
 */
export class Postings {
  /** The term's number in its scope (`ScopeTerms.byId`), for chunks that list their terms. */
  readonly id: number;
  /** The first word indexed with this term (its stem): how a corrected spelling is written. */
  readonly word: string;
  docs: number[] = [];
  /** The count in the whole chunk in the low 15 bits, the count in its title above them. */
  counts: number[] = [];
  /** How many of the chunks have the term in their title. */
  titleLength = 0;
  /** How many of those chunks have a title or heading that asks a question (see `titleAsks`). */
  askingTitleLength = 0;
  // Counting the words of the chunk being added, before its posting is written.
  pendingDoc = -1;
  pendingCount = 0;
  pendingTitleCount = 0;

  constructor(id: number, word: string) {
    this.id = id;
    this.word = word;
  }

  get length(): number {
    return this.docs.length;
  }

  /** Chunks that have the term (for spelling correction, see `KnownTerm`). */
  get chunks(): number {
    return this.docs.length;
  }

  /** Adds a chunk after every chunk already here; `asks`: its title or a heading asks. */
  push(doc: number, count: number, titleCount: number, asks: boolean): void {
    this.docs.push(doc);
    this.counts.push(Math.min(count, MAX_COUNT) | (Math.min(titleCount, MAX_COUNT) << 15));
    if (titleCount > 0) {
      this.titleLength++;
      if (asks) this.askingTitleLength++;
    }
  }

  /** Takes a chunk out (`asks` as it was added); false when it is not here. */
  remove(doc: number, asks: boolean): boolean {
    let low = 0;
    let high = this.docs.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = this.docs[mid] as number;
      if (at < doc) low = mid + 1;
      else if (at > doc) high = mid - 1;
      else {
        if ((this.counts[mid] as number) >>> 15 > 0) {
          this.titleLength--;
          if (asks) this.askingTitleLength--;
        }
        this.docs.splice(mid, 1);
        this.counts.splice(mid, 1);
        return true;
      }
    }
    return false;
  }

  /** Gives back the room that growing the arrays left spare. */
  trim(): void {
    this.docs = this.docs.slice();
    this.counts = this.counts.slice();
  }

  /** Renumbers the chunks; `renumber` keeps their order. */
  renumber(renumber: Int32Array): void {
    for (let i = 0; i < this.docs.length; i++) {
      this.docs[i] = renumber[this.docs[i] as number] as number;
    }
  }
}

/** The count in the whole chunk of a packed pair. */
export function wholeCount(packed: number): number {
  return packed & MAX_COUNT;
}

/** The count in the title of a packed pair. */
export function titleCount(packed: number): number {
  return packed >>> 15;
}
