import { describe, expect, it } from 'vitest';
import { CitationFilter, citedNumbers, withoutUnknownCitations } from './citation-markers.js';

const twoSources = (n: number) => n >= 1 && n <= 2;

/** The text the filter lets through when `text` arrives in the given pieces. */
function streamed(pieces: string[]): string {
  const citations = new CitationFilter(twoSources);
  return pieces.map((p) => citations.push(p)).join('') + citations.end();
}

describe('citation markers that name no source', () => {
  it('are removed with the space before them; those that name one stay', () => {
    const reply = 'Returns are accepted within 30 days [1]. Exchanges are free [2]. See also [7].';
    expect(withoutUnknownCitations(reply, twoSources)).toBe(
      'Returns are accepted within 30 days [1]. Exchanges are free [2]. See also.',
    );
    expect(withoutUnknownCitations('As [0] and [12] say, [1][3] and\t[2].', twoSources)).toBe(
      'As and say, [1] and\t[2].',
    );
  });

  it('leave brackets that are no citation alone', () => {
    const text = 'Press [Save], then [ 7 ] or [7a]; an array [], [1,] and [1 and 7] stay.';
    expect(withoutUnknownCitations(text, twoSources)).toBe(text);
  });

  it('that name several sources keep those that exist, one marker each, and drop the rest', () => {
    expect(withoutUnknownCitations('Free [1, 7]. Europe [2][8]. Both [1-3].', twoSources)).toBe(
      'Free [1]. Europe [2]. Both [1][2].',
    );
    expect(withoutUnknownCitations('See [5-6]; or [7,8;9]. Also [2, 1, 2].', twoSources)).toBe(
      'See; or. Also [2][1].',
    );
    // A range too long to be a citation names only its first number.
    expect(withoutUnknownCitations('All [1-100000].', twoSources)).toBe('All [1].');
    expect(citedNumbers('Free [2]. Returns [1, 2] within [3–4] days [x].')).toEqual([2, 1, 3, 4]);
  });

  it('are removed while streaming, when a marker is split across pieces', () => {
    expect(streamed(['See also [', '7', '].'])).toBe('See also.');
    expect(streamed(['Free ', '[2', ']. See also ', '  ', '[', '1', '0]', '.'])).toBe(
      'Free [2]. See also.',
    );
    // Held back only while it may still become a marker.
    const citations = new CitationFilter(twoSources);
    expect(citations.push('See also [')).toBe('See also');
    expect(citations.push('7')).toBe('');
    expect(citations.push('].')).toBe('.');
    expect(citations.push(' Call [us')).toBe(' Call [us');
    expect(citations.push(' now [')).toBe(' now');
    expect(citations.end()).toBe(' [');
  });

  it('streamed in any pieces, make the same text as the whole reply filtered at once', () => {
    const texts = [
      'Returns within 30 days [1]. Exchanges are free [2]. See also [7].',
      '[3] first, then [1]  [9]\t[2] and [x] [',
      'Nothing to cite here.  ',
      'Steps:\n1. Open [Settings] [1]\n2. Choose [10] or [2]\n[4]',
      'Both [1, 7] and [2-4]; none [5 , 6]\t[1 ,2]. Not [1, x] or [3-] or [1,',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const text of texts) {
      const whole = withoutUnknownCitations(text, twoSources);
      for (let cut = 0; cut <= text.length; cut++) {
        expect(streamed([text.slice(0, cut), text.slice(cut)])).toBe(whole);
      }
      for (let round = 0; round < 200; round++) {
        const pieces: string[] = [];
        for (let at = 0; at < text.length;) {
          const size = 1 + Math.floor(random() * 5);
          pieces.push(text.slice(at, at + size));
          at += size;
        }
        expect(streamed(pieces)).toBe(whole);
      }
    }
  });
});
