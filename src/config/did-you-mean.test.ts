import { describe, expect, it } from 'vitest';
import { closestName } from './did-you-mean.js';

describe('closestName', () => {
  it('finds the name a misspelt one nearly spells, the closest first', () => {
    expect(closestName('prot', ['host', 'port'])).toBe('port');
    expect(closestName('kb_serch', ['memory', 'kb_search'])).toBe('kb_search');
    expect(closestName('ADMIN_APIKEY', ['ADMIN_API_KEY', 'LLM_API_KEY'], 6)).toBe('ADMIN_API_KEY');
    expect(closestName('timeotMs', ['timeoutMs', 'retry'])).toBe('timeoutMs');
  });

  it('suggests nothing far off, or among names too short to tell apart', () => {
    expect(closestName('zzzzz', ['port', 'host'])).toBeUndefined();
    expect(closestName('lg', ['kb', 'log'])).toBeUndefined();
    expect(closestName('PATH', ['PORT'], 6)).toBeUndefined();
  });
});
