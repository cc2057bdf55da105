import { describe, expect, it } from 'vitest';
import { headingStates } from './documents.js';

describe('headingStates', () => {
  it('is true of a heading that states a price, a percentage or a time of day', () => {
    for (const heading of [
      'Core – £34.99 a month',
      'Plus: $9.99 per month',
      'Plans from 9.99 EUR',
      'Save 10% when you pay yearly',
      'Opening hours: 6am to 10pm',
      'Open 06:00 to 22:00',
    ]) {
      expect(headingStates(heading), heading).toBe(true);
    }
  });

  it('is false of a heading that names its section, numbers and all', () => {
    for (const heading of [
      'Refunds',
      '2. Paying by card',
      'Leaving a 12-month commitment early',
      'Children under 13',
      'Changes in 2024',
      'Open 24/7',
    ]) {
      expect(headingStates(heading), heading).toBe(false);
    }
  });
});
