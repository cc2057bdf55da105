import { describe, expect, it } from 'vitest';
import { shownSource } from './shown-source.js';

describe('shownSource', () => {
  it('shows a file by its own name, never the directories it was ingested from', () => {
    expect(shownSource('/srv/help-center/returns.md')).toBe('returns.md');
    expect(shownSource('C:\\help\\faq.json')).toBe('faq.json');
    expect(shownSource('docs/guide.pdf')).toBe('guide.pdf');
    expect(shownSource('refunds.md')).toBe('refunds.md');
  });

  it('keeps a web address whole, and a name with nothing after its last slash', () => {
    expect(shownSource('https://help.example.com/returns')).toBe(
      'https://help.example.com/returns',
    );
    expect(shownSource('/')).toBe('/');
  });
});
