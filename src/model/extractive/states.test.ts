import { describe, expect, it } from 'vitest';
import type { Unit } from './documents.js';
import { saysWhereShown, statesPrice } from './states.js';

const unit = (text: string) => ({ text }) as unknown as Unit;

describe('what a sentence states of a price', () => {
  it('reads a share of an amount of money as a price, not any percentage', () => {
    expect(statesPrice(unit('The early termination fee is 80% of the monthly charges left.'))).toBe(
      true,
    );
    expect(statesPrice(unit('We refund 50 percent of the order total.'))).toBe(true);
    expect(statesPrice(unit('Your battery is charged to 80% of its capacity.'))).toBe(false);
  });

  it('reads a sentence that says only where an amount is shown', () => {
    expect(
      saysWhereShown(
        unit('Your current early termination fee is shown in My Lumenet under Account.'),
      ),
    ).toBe(true);
    expect(saysWhereShown(unit('You can see your balance in the app.'))).toBe(true);
    expect(saysWhereShown(unit('Your bill of £30 is shown in the app.'))).toBe(false);
    expect(saysWhereShown(unit('The fee is 80% of the charges left.'))).toBe(false);
  });
});
