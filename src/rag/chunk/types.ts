/** Options of {@link chunkDocument}. Sizes are counted in words. */
export interface ChunkOptions {
  /** Target (and maximum) size of a chunk in words; default 180. */
  size?: number;
  /** Words repeated from the previous chunk of the same section; default 30, less than `size`. */
  overlap?: number;
}

/** A chunk before it is stored: its position, its text and the headings it sits under. */
export interface ChunkDraft {
  /** 0-based position among the document's chunks. */
  ordinal: number;
  /** Body text only: headings are in `headingPath`, not repeated here. */
  text: string;
  /** The texts of the enclosing headings, outermost first (`[]` before the first heading). */
  headingPath: string[];
}
