import { describe, expect, it } from 'vitest';
import { signalsOf } from '../../../../test/helpers/signals-of.js';

/**
 * Calm messages that say when: the customer asks when or whether something happens, says how
 * things are, or looks forward to something. None of them presses for anything.
 */
const CALM = [
  "I'm on a flexible tariff, can I switch supplier straight away or is there a notice period?",
  'my direct debit bounced, is my account going to be shut off right away?',
  'Will the money leave my account immediately when I place the order?',
  'how do I cancel right now?',
  'do we get charged right away if we add a seat in the middle of the month?',
  'Does the refund go back to my card straight away or does it take a few days?',
  'Is there a fee if I cancel straight away',
  'ok can I pause my membership straight away?',
  'I paid the bill this morning so will the service come back on right away?',
  'I was wondering whether the discount applies right away',
  'If I upgrade today, is the new price charged immediately?',
  'So what happens if I stop the subscription right now?',
  'Can you deliver the sofa by Saturday?',
  "What's the deadline for sending my meter reading this month?",
  'Is it critical to install the firmware update?',
  "ran out of credit at 9pm and I can't get to the shop till Monday. will the power go off?",
  "lost my job and i can't afford my bill right now. what help is there",
  'When I open the app it crashes immediately, is there a fix?',
  'My order was cancelled immediately after I paid, was I charged?',
  "I'm on holiday until Friday, can you hold the parcel at the depot?",
  'I can’t wait to try the new blender!',
  // Asking the agent whether something is possible, or what happens: not a demand.
  'can you tell me if I can cancel right now?',
  'Can I cancel right now?',
];

/** "Emergency" naming a thing the customer asks for or gives, not the customer's situation. */
const NAMED_EMERGENCY = [
  'What is your emergency contact number?',
  'Is there an emergency contact number for out-of-hours support?',
  'Can you update my emergency contact number to 07700 900123?',
  'My emergency contact is my husband, his number is 07700 900456',
];

/** Time pressure about something the customer needs, in statements, requests and commands. */
const URGENT = [
  'My heating is off and I need it back today',
  'Not sure how it happened but my card is blocked and I need to pay my rent today',
  'Really urgent to get this sorted, payroll goes out tomorrow',
  'Please send an engineer today, there is no hot water and I have a newborn',
  "I'm flying tonight and my booking has vanished, I need it sorted tonight",
  'My broadband has been down since Tuesday and I work from home, I need it working by tomorrow',
  'Our payroll run is tonight and the export is broken, please look at this immediately',
  'The card reader stopped working and we have a queue of customers, we need help straight away',
  'Have someone call me back right away about my booking',
  'Sort my account out NOW',
  'This cannot wait until Monday, the shop opens tomorrow and the till is dead',
  'URGENT - card blocked abroad, how do I unblock it?',
  'Can you send the replacement charger asap?',
  'I need the invoice as soon as possible for my tax return',
  'This is an emergency, my card was stolen',
  // A request to the agent put as a question still demands it now.
  'Can you fix it right now?',
  'Could you please refund me straight away?',
  'can u send someone immediately',
];

describe('urgency', () => {
  it.each(CALM)('is not read in a calm message that says when: %j', (message) => {
    expect(signalsOf(message)).not.toContain('urgency');
  });

  it.each(NAMED_EMERGENCY)('is not read in an emergency contact or number: %j', (message) => {
    expect(signalsOf(message)).not.toContain('urgency');
  });

  it.each(URGENT)('is read in a message that presses for something: %j', (message) => {
    expect(signalsOf(message)).toContain('urgency');
  });
});
