import { describe, expect, it } from 'vitest';
import { LinkedAbort } from './linked-abort.js';

describe('LinkedAbort', () => {
  it('aborts with the reason of its source', () => {
    const source = new AbortController();
    const link = new LinkedAbort(source.signal);
    expect(link.signal.aborted).toBe(false);
    const reason = new Error('client gone');
    source.abort(reason);
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe(reason);
  });

  it('starts out aborted when its source already is', () => {
    const source = new AbortController();
    source.abort('early');
    const link = new LinkedAbort(source.signal);
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe('early');
  });

  it('aborts on its own without aborting its source, and keeps its first reason', () => {
    const source = new AbortController();
    const link = new LinkedAbort(source.signal);
    link.abort('shutdown');
    expect(link.signal.reason).toBe('shutdown');
    expect(source.signal.aborted).toBe(false);
    source.abort('client gone');
    expect(link.signal.reason).toBe('shutdown');
  });

  it('no longer follows its source once unlinked', () => {
    const source = new AbortController();
    const link = new LinkedAbort(source.signal);
    link.unlink();
    source.abort();
    expect(link.signal.aborted).toBe(false);
  });

  it('tells listeners of its signal once', () => {
    const source = new AbortController();
    const link = new LinkedAbort(source.signal);
    let told = 0;
    link.signal.addEventListener('abort', () => told++);
    source.abort();
    link.abort();
    expect(told).toBe(1);
  });
});
