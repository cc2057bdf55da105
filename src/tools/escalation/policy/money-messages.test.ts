import { describe, expect, it } from 'vitest';
import { escalationMistakes, type LabelledMessage } from '../../../testing/index.js';

/**
 * Messages about money, in the voice of customers of banks, shops, subscriptions, utilities,
 * telecoms and travel firms, labelled the way a support lead would label them: should this go to
 * a person now? Money taken that the customer did not agree to, taken twice with a consequence,
 * taken after a cancellation, a promised refund now overdue, fraud, a stolen card, a bill far
 * above normal with hardship and a debt collector go to a person; how refunds work, what a charge
 * is, holds, card updates and prices stay with the assistant. Written before the policy was read.
 */
const TO_A_PERSON: LabelledMessage[] = [
  // Taken twice, and it cost the customer something.
  {
    message:
      'you charged me twice for the same order and now ive gone overdrawn and my bank has hit me with a £25 fee',
    escalate: true,
  },
  {
    message: 'The direct debit came out twice this month so my mortgage payment bounced.',
    escalate: true,
  },
  {
    message: 'double charged for my phone bill and now i cant afford to pay my gas',
    escalate: true,
  },
  {
    message:
      'i got billed 3 times for one hotel night, thats £360 gone from my account and i am on holiday with no money left',
    escalate: true,
  },
  {
    message: 'paid for my train ticket twice, the second one put me over my overdraft limit',
    escalate: true,
  },

  // Money taken that the customer never agreed to.
  {
    message: 'There is a payment of £89.99 to you on my statement that I never agreed to.',
    escalate: true,
  },
  {
    message: 'i didnt authorise this transaction, who took £240 out of my account??',
    escalate: true,
  },
  {
    message: 'I did not make these purchases. Three payments to an online casino, none of them me.',
    escalate: true,
  },
  {
    message: 'someone has taken money from my account without my permission',
    escalate: true,
  },
  {
    message:
      'you took £45 from my card for an upgrade i never asked for. i did not sign up to any premium plan',
    escalate: true,
  },
  {
    message: 'Why have you set up a direct debit on my account? I never gave you my bank details.',
    escalate: true,
  },
  {
    message: 'these arent my transactions, i dont recognise any of them and theres 6 of them',
    escalate: true,
  },

  // Taken after the customer cancelled.
  {
    message: 'I cancelled my membership in March and you are still taking £35 every month.',
    escalate: true,
  },
  {
    message: 'cancelled my subscription weeks ago but you charged me again today',
    escalate: true,
  },
  {
    message:
      'I closed my broadband account when I moved house and got a confirmation email, yet another £42 has gone out.',
    escalate: true,
  },
  {
    message: 'still being billed after cancelling. this is the third month',
    earlier: ['i cancelled my gym membership how do i check it went through'],
    escalate: true,
  },
  {
    message: 'my free trial was cancelled before it ended and you still charged me £79.99',
    escalate: true,
  },

  // A refund promised and overdue.
  {
    message:
      'I was promised a refund 6 weeks ago for my cancelled flight and I still have nothing. I need that money.',
    escalate: true,
  },
  {
    message: 'the refund you said would take 5 days has now been 3 weeks. where is my money',
    escalate: true,
  },
  {
    message: 'still no refund. its been over a month since you agreed to it',
    earlier: ['when will my refund for the returned sofa arrive'],
    escalate: true,
  },
  {
    message:
      'Your colleague confirmed on the phone that £310 would be refunded by the 1st. It is now the 20th and nothing has arrived, and I have bills to pay.',
    escalate: true,
  },
  {
    message: 'my refund is overdue and i really need the money for rent',
    escalate: true,
  },

  // Fraud and stolen cards.
  {
    message: 'my card has been stolen and someone is using it right now',
    escalate: true,
  },
  {
    message: 'I think I have been scammed, I paid someone pretending to be from your company',
    escalate: true,
  },
  {
    message: 'lost my wallet last night and theres already 4 contactless payments i didnt make',
    escalate: true,
  },
  {
    message: 'somebody hacked my account and ordered £600 of stuff to an address i dont know',
    escalate: true,
  },
  {
    message: 'I think my card details have been cloned, there are payments from another country',
    escalate: true,
  },

  // A bill far above normal, with hardship.
  {
    message:
      'my electric bill is normally £80 and this month its £740. im a pensioner i cannot pay that',
    escalate: true,
  },
  {
    message:
      'Phone bill came to £1,200 because of roaming I was never warned about. I am a student and I do not have this money.',
    escalate: true,
  },
  {
    message:
      'water bill has gone from 30 a month to 400, theres no leak, and ive got nothing left after rent',
    escalate: true,
  },

  // Debt collectors.
  {
    message:
      'I have had a letter from a debt collection agency about a bill I paid in full last year.',
    escalate: true,
  },
  {
    message: 'why have you passed me to debt collectors?? i was never even sent a bill',
    escalate: true,
  },
  {
    message: 'bailiffs are threatening to come round over an account i closed, please help',
    escalate: true,
  },

  // Follow-ups where the money is still wrong.
  {
    message: 'it happened again, another payment I did not make',
    earlier: ['there is a charge on my card from you I do not recognise'],
    escalate: true,
  },
  {
    message: 'nope, i checked, that wasnt me. i never bought anything from them',
    earlier: ['whats this £19.99 payment on my statement', 'it says DIGITAL SVCS LONDON'],
    escalate: true,
  },
];

const STAYS_WITH_THE_AGENT: LabelledMessage[] = [
  // How refunds work and when they arrive.
  { message: 'how do i get a refund for an unwanted item', escalate: false },
  { message: 'how long do refunds take to show on my card?', escalate: false },
  {
    message: 'I returned the shoes yesterday, when should I expect the refund?',
    escalate: false,
  },
  { message: 'can i get my money back if my train was delayed by 40 mins', escalate: false },
  {
    message: 'do you refund to the original payment method or as store credit',
    escalate: false,
  },
  {
    message: 'if I cancel my flight within 24 hours do I get a full refund?',
    escalate: false,
  },

  // What a charge on the statement is.
  { message: 'what is this £2.99 charge on my bill?', escalate: false },
  { message: 'can you tell me why I was charged £5?', escalate: false },
  {
    message: 'There is a line on my statement called "service fee", what is that for?',
    escalate: false,
  },
  { message: 'why is my bill a bit higher this month', escalate: false },
  {
    message: 'whats the charge called AMZ MKTP on my statement, is that you?',
    escalate: false,
  },

  // Holds and pending payments.
  {
    message: 'the hotel put a £100 hold on my card, when does that drop off?',
    escalate: false,
  },
  {
    message:
      'I see a pending payment for the car hire but I have not picked it up yet. Is that normal?',
    escalate: false,
  },
  {
    message: 'why is there a pending transaction for £1 when i added my card',
    escalate: false,
  },

  // Charged twice, but already put right.
  { message: 'I was charged twice but it was refunded already, thanks', escalate: false },
  {
    message:
      'i got double charged last week but the second one has disappeared now so all good, just wanted to check it wont come back',
    escalate: false,
  },
  {
    message: 'the refund came through today, thank you for sorting it',
    earlier: ['when will my refund for order 4471 arrive'],
    escalate: false,
  },

  // Cards, direct debits and payment details.
  { message: 'how do i update my card details', escalate: false },
  { message: 'my card expired, where do I put the new one in?', escalate: false },
  { message: 'Can I change the date my direct debit comes out?', escalate: false },
  { message: 'can i pay by paypal instead of card', escalate: false },
  {
    message: 'How do I cancel my subscription so I am not charged next month?',
    escalate: false,
  },
  { message: 'will i still be charged if i pause my membership', escalate: false },

  // Prices, bills and plans.
  { message: 'how much is the unlimited data plan', escalate: false },
  { message: 'is there a cheaper tariff for someone who works from home', escalate: false },
  { message: 'Do you charge a fee for paying in instalments?', escalate: false },
  { message: 'what is the cancellation fee if i leave my contract early', escalate: false },
  {
    message: 'how much does it cost to add a checked bag to my booking',
    escalate: false,
  },
  {
    message:
      'My energy bill went up because of the winter, I understand, but is there a way to spread the cost over the year?',
    escalate: false,
  },
  { message: 'can i get a copy of my last three bills as pdf', escalate: false },
  { message: 'when will i be charged for the annual plan', escalate: false },

  // Follow-ups that are going fine.
  {
    message: 'ok thanks, and will the refund go back to my credit card?',
    earlier: ['how do i return a faulty kettle'],
    escalate: false,
  },
  {
    message: 'ah right that was my husband using the account, sorry!',
    earlier: ['there is a charge for a film rental i dont remember'],
    escalate: false,
  },
  {
    message: 'great and how long does the direct debit take to set up',
    earlier: ['how do i pay by direct debit'],
    escalate: false,
  },
  {
    message: 'thanks, and is there a fee if I pay late by a day?',
    earlier: ['when is my bill due this month'],
    escalate: false,
  },
];

const TABLE: LabelledMessage[] = [...TO_A_PERSON, ...STAYS_WITH_THE_AGENT];

/**
 * At most this many of these messages may be decided wrong. Written before the policy was read
 * and run on it unchanged, it got 32 of 70 wrong (32 hand-overs missed, no false alarm); then a
 * decimal point or a thousands separator in an amount ends no sentence ("a payment of £89.99
 * that I never agreed to"): 31; a payment not made, asked for, permitted or recognised is not
 * agreed to, and a transaction, a purchase or money taken is a charge ("payments I didn't
 * make", "taken without my permission"), unless "yet" says it is still to come: 24; a debt
 * collector: 22; a stolen or cloned card someone is spending with: 20; money still taken after
 * a cancellation: 15; taken twice or far above the usual bill, with a consequence (overdrawn,
 * bounced, can't afford, nothing left): 8; a refund already due ("my refund", "promised a
 * refund") with weeks gone by or still not there, not one asked about ("I bought it 3 weeks
 * ago, can I still get a refund?"): 3 now (and still 3 once a refund late and nothing more is
 * answered, not handed over).
 * Left: consent denied in the next sentence ("a direct debit? I never gave you my bank
 * details"), a bill with hardship but no word of how far above normal it is ("came to £1,200
 * … I do not have this money"), and a denial whose charge is only in the earlier messages
 * ("that wasnt me. i never bought anything from them").
 */
const ALLOWED_MISTAKES = 3;

describe('escalation policy on messages about money', () => {
  it(`gets at most ${ALLOWED_MISTAKES} of ${TABLE.length} money messages wrong`, () => {
    const mistakes = escalationMistakes(TABLE);
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
    expect(mistakes.length).toBeLessThanOrEqual(ALLOWED_MISTAKES);
  });
});
