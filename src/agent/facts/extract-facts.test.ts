import { describe, expect, it } from 'vitest';
import { LINEAR_GROWTH_LIMIT, tenfoldGrowth } from '../../../test/helpers/growth.js';
import {
  currentFacts,
  describeFact,
  extractFacts,
  MAX_FACTS_PER_MESSAGE,
  readFact,
  type FactKind,
} from './index.js';

type Case = [message: string, expected: Array<[FactKind, string]>];

// Each row: a message and every fact it must give, in order — nothing more.
const CASES: Case[] = [
  // E-mail addresses
  ['Mail me at jane@example.com.', [['email', 'jane@example.com']]],
  ['<Jane.Doe+support@Mail.Example.CO.UK>', [['email', 'Jane.Doe+support@mail.example.co.uk']]],
  ['jane@example.com and JANE@EXAMPLE.COM', [['email', 'jane@example.com']]],
  ['not an address: jane@localhost, @example.com, jane@.com, jane@example', []],
  ['mailto:ops_team@acme-corp.io?subject=hi', [['email', 'ops_team@acme-corp.io']]],
  // Phone numbers
  ['Call me on +44 20 7946 0958 please', [['phone', '+44 20 7946 0958']]],
  ['My number is +1 (415) 555-0132.', [['phone', '+1 415 555 0132']]],
  ['Reach me at 0049 30 1234567', [['phone', '0049 30 1234567']]],
  [
    'Office: 415.555.0132, mobile 0612345678',
    [
      ['phone', '415 555 0132'],
      ['phone', '0612345678'],
    ],
  ],
  ['UK: +44 (0) 20 7946 0958', [['phone', '+44 20 7946 0958']]],
  [
    '+33612345678 or (415) 555-0132',
    [
      ['phone', '+33612345678'],
      ['phone', '415 555 0132'],
    ],
  ],
  ['06 12 34 56 78 and again 06-12-34-56-78', [['phone', '06 12 34 56 78']]],
  ['phone: 4155550132', [['phone', '4155550132']]],
  [
    '0612345678 - 0698765432',
    [
      ['phone', '0612345678'],
      ['phone', '0698765432'],
    ],
  ],
  // Not phone numbers
  ['It arrived on 2024-05-01 at 10:30, not 01.05.2024', []],
  ['It cost $1,299.00 (or 1 234 567 € in total)', []],
  ['The server is 192.168.100.200 on port 8080', []],
  ['Serial 12345678901234567890 and card 4111 1111 1111 1111', []],
  ['Between 2019-2024 we sold 12345678 units', []],
  ['Build v2.14.3 of AB0612345678 and 0612345678X', []],
  ['SSN 123-45-6789 is private; the total was 12345.67', []],
  // Order, ticket and reference numbers
  ['my account number is 88213344', [['account_number', '88213344']]],
  [
    'Customer number: CU-55123, membership no. 99887',
    [
      ['account_number', 'CU-55123'],
      ['account_number', '99887'],
    ],
  ],
  ['acct #4417-22 was charged twice', [['account_number', '4417-22']]],
  ['I have had my account since 2019 and 3 accounts in all', []],
  ['a member for 12 years, customer of 20', []],
  ['Where is order 4417?', [['order_number', '4417']]],
  ['My order #4417-22 never came', [['order_number', '4417-22']]],
  ['order number: AB-12345', [['order_number', 'AB-12345']]],
  ['I opened ticket 9981 yesterday', [['ticket_number', '9981']]],
  ['Your reference ABC123 did not work', [['reference_number', 'ABC123']]],
  ['confirmation code X7Y8Z9', [['reference_number', 'X7Y8Z9']]],
  ['my order is 44172', [['order_number', '44172']]],
  [
    'Order No. 55123 and support case #77',
    [
      ['order_number', '55123'],
      ['ticket_number', '77'],
    ],
  ],
  [
    'order 4417 and order 4418, or ticket 9981',
    [
      ['order_number', '4417'],
      ['order_number', '4418'],
      ['ticket_number', '9981'],
    ],
  ],
  [
    'write to ref.4417@acme.com or ref 9981',
    [
      ['email', 'ref.4417@acme.com'],
      ['reference_number', '9981'],
    ],
  ],
  [
    'Orders 12345678 and booking ref: QX9-77',
    [
      ['order_number', '12345678'],
      ['reference_number', 'QX9-77'],
    ],
  ],
  ['An order of magnitude more, in order to ship', []],
  ['I would like to order 300 units; can I order 2000?', []],
  ['The order of the steps matters; ticket prices went up', []],
  ['my order from 2024-05-01 and my 2nd order', []],
  ['write to orders@acme.com about it', [['email', 'orders@acme.com']]],
  // Names
  ['my name is Jane Doe', [['name', 'Jane Doe']]],
  [
    "I'm Jane, and my order 4417 is late",
    [
      ['name', 'Jane'],
      ['order_number', '4417'],
    ],
  ],
  ['Hi there! I am Jane Mary Doe.', [['name', 'Jane Mary Doe']]],
  ['Hello, this is Jane from Acme', [['name', 'Jane']]],
  ['You can call me Jane.', [['name', 'Jane']]],
  ["My name's José García-López and I need help", [['name', 'José García-López']]],
  ["I'm tired of waiting", []],
  ["I'm unable to log in. I'm Unable to pay.", []],
  ["I'm Sorry, I'm New here", []],
  ['Sorry for the delay, I’m Jane.', []],
  ['call me Tomorrow or call me back', []],
  ['This is Amazon’s fault', []],
  ['my name is jane', []],
  ['my name is Jane Doe Smith Jones, thanks', [['name', 'Jane Doe Smith']]],
  ['Thanks, my name is Dr. Ana Lee.', [['name', 'Dr. Ana Lee']]],
  // Everything at once, each once
  [
    "Hi, I'm Jane. Order #4417-22 never came; mail jane@example.com or call +44 20 7946 0958. My name is Jane.",
    [
      ['name', 'Jane'],
      ['order_number', '4417-22'],
      ['email', 'jane@example.com'],
      ['phone', '+44 20 7946 0958'],
    ],
  ],
];

describe('extractFacts', () => {
  it.each(CASES)('%s', (message, expected) => {
    expect(extractFacts(message).map((f) => [f.kind, f.value])).toEqual(expected);
  });

  it('keeps the sentence a fact was found in, on one line', () => {
    const [fact] = extractFacts('Hello there.\nMy order #4417\u0007 is late!\tThanks.');
    expect(fact).toEqual({
      kind: 'order_number',
      value: '4417',
      source: 'My order #4417 is late!',
    });
  });

  it('never throws, whatever the input', () => {
    const odd = [
      '',
      '🙂🙃 order 🧾 #４４１７',
      '\u0000\u0001\u001b[31m order 4417 \u001b[0m',
      '\ud800 jane@example.com \udfff',
      'x'.repeat(100_000),
      null as unknown as string,
      42 as unknown as string,
    ];
    for (const message of odd) expect(() => extractFacts(message)).not.toThrow();
    expect(extractFacts('\u001b[31m order 4417 \u001b[0m')).toEqual([
      { kind: 'order_number', value: '4417', source: '[31m order 4417 [0m' },
    ]);
  });

  it('keeps at most a bounded number of facts from one pasted message', () => {
    const pasted = Array.from({ length: 200 }, (_, i) => `user${i}@example.com`).join(' ');
    expect(extractFacts(pasted)).toHaveLength(MAX_FACTS_PER_MESSAGE);
  });

  // Inputs built to make a backtracking pattern explode; each must take linear time.
  const SIZE = 100_000;
  const adversarial: Array<[string, (size: number) => string]> = [
    ['letters', (n) => 'a'.repeat(n)],
    ['digits', (n) => '1'.repeat(n)],
    ['at signs', (n) => '@'.repeat(n)],
    ['local parts', (n) => 'a@'.repeat(n / 2)],
    ['dotted domain', (n) => `a@${'a.'.repeat(n / 2)}`],
    ['dotted local part', (n) => `${'a.'.repeat(n / 2)}@x`],
    ['digit groups', (n) => '1 '.repeat(n / 2)],
    ['double spaced digits', (n) => '12  '.repeat(n / 4)],
    ['hyphenated digits', (n) => '1-'.repeat(n / 2)],
    ['brackets', (n) => '(+'.repeat(n / 2)],
    ['closing brackets', (n) => `1${')'.repeat(n)}`],
    ['order keywords', (n) => 'order '.repeat(n / 6)],
    ['order connectors', (n) => `order ${'number is '.repeat(n / 10)}`],
    ['name triggers', (n) => 'my name is '.repeat(n / 11)],
    ['capitalised words', (n) => `I'm ${'Jane '.repeat(n / 5)}`],
    ['leading spaces', (n) => ' '.repeat(n)],
    ['greeting', (n) => `hi${' '.repeat(n)}`],
    ['emoji', (n) => '🙂'.repeat(n / 2)],
    ['sentence dots', (n) => 'a. '.repeat(n / 3)],
    ['negations', (n) => `${'not '.repeat(n / 4)}jane@example.org`],
  ];
  it.each(adversarial)('takes linear time on %s', (_name, inputOf) => {
    expect(tenfoldGrowth(inputOf, extractFacts, SIZE)).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });
});

describe('corrections', () => {
  const corrects = (message: string) =>
    extractFacts(message).map((f) => [f.kind, f.value, f.corrects === true]);

  it('marks a detail said to correct one given before', () => {
    expect(corrects('sorry, my email is actually jane@example.org')).toEqual([
      ['email', 'jane@example.org', true],
    ]);
    expect(corrects('Oops, typo. It is 0612345679')).toEqual([['phone', '0612345679', true]]);
    expect(corrects('use jane@example.org instead')).toEqual([['email', 'jane@example.org', true]]);
    expect(corrects('the right order number is 5521')).toEqual([['order_number', '5521', true]]);
    expect(corrects('my new phone number is 0612345679')).toEqual([['phone', '0612345679', true]]);
  });

  it('marks only the detail whose clause says so', () => {
    expect(corrects('My email is actually jane@example.org. My order is 5521.')).toEqual([
      ['email', 'jane@example.org', true],
      ['order_number', '5521', false],
    ]);
    // Wrong, but not the detail: a wrong item of order 5522 corrects no order number.
    expect(corrects('I received the wrong item, order 5522')).toEqual([
      ['order_number', '5522', false],
    ]);
    expect(corrects('Sorry for the delay, my order number is 5521')).toEqual([
      ['order_number', '5521', false],
    ]);
  });

  it("leaves out a detail said not to be the customer's, and lets the other replace it", () => {
    expect(corrects('my email is jane@example.org, not john@example.org')).toEqual([
      ['email', 'jane@example.org', true],
    ]);
    expect(corrects('not john@example.org but jane@example.org')).toEqual([
      ['email', 'jane@example.org', true],
    ]);
    expect(corrects("it's 0612345678 not 0612345679")).toEqual([['phone', '0612345678', true]]);
    expect(corrects("please don't use john@example.org, write to jane@example.org")).toEqual([
      ['email', 'jane@example.org', true],
    ]);
    expect(corrects('reach me at jane@example.org, not at john@example.org')).toEqual([
      ['email', 'jane@example.org', true],
    ]);
    // Other details of the message stand as they are.
    expect(corrects('My phone is 0612345678, not 0612345679. Order 5521.')).toEqual([
      ['phone', '0612345678', true],
      ['order_number', '5521', false],
    ]);
  });

  it('does not take a negation elsewhere in the sentence for one of the detail', () => {
    expect(corrects("I don't have an order number, my email is jane@example.org")).toEqual([
      ['email', 'jane@example.org', false],
    ]);
    expect(corrects('I did not receive order 5521')).toEqual([['order_number', '5521', false]]);
    expect(corrects('call me on 0612345678, not before 9am')).toEqual([
      ['phone', '0612345678', false],
    ]);
  });
});

describe('describeFact', () => {
  it.each([
    ['email', 'jane@example.com', 'Customer e-mail: jane@example.com'],
    ['phone', '+44 20 7946 0958', 'Customer phone: +44 20 7946 0958'],
    ['order_number', '4417-22', 'Order number: 4417-22'],
    ['ticket_number', '9981', 'Ticket number: 9981'],
    ['reference_number', 'ABC123', 'Reference number: ABC123'],
    ['name', 'Jane Doe', 'Customer name: Jane Doe'],
  ] as Array<[FactKind, string, string]>)('states a %s', (kind, value, line) => {
    expect(describeFact({ kind, value, source: '' })).toBe(line);
  });
});

describe('readFact', () => {
  it('reads back each kind from the line describeFact made, and nothing else', () => {
    const kinds: FactKind[] = [
      'email',
      'phone',
      'order_number',
      'account_number',
      'ticket_number',
      'reference_number',
      'name',
    ];
    for (const kind of kinds) {
      expect(readFact(describeFact({ kind, value: 'v: 1', source: '' }))).toEqual({
        kind,
        value: 'v: 1',
      });
    }
    expect(
      readFact(describeFact({ kind: 'email', value: 'a@b.io', source: '', corrects: true })),
    ).toEqual({ kind: 'email', value: 'a@b.io' });
    expect(readFact('User: where is my order?')).toBeUndefined();
    expect(readFact('Order number: ')).toBeUndefined();
    expect(readFact('no separator')).toBeUndefined();
  });
});

describe('currentFacts', () => {
  it('drops the lines a later correction of their kind replaces, and keeps the rest', () => {
    const corrected = describeFact({
      kind: 'email',
      value: 'jane@example.org',
      source: '',
      corrects: true,
    });
    expect(corrected).toBe('Customer e-mail (corrected): jane@example.org');
    expect(
      currentFacts([
        'Customer e-mail: john@example.com',
        'Order number: 4417',
        'a note of another kind',
        corrected,
        'Customer e-mail: jane.doe@work.example',
      ]),
    ).toEqual([
      'Order number: 4417',
      'a note of another kind',
      corrected,
      'Customer e-mail: jane.doe@work.example',
    ]);
    expect(currentFacts(['Order number: 1', 'Order number: 2'])).toEqual([
      'Order number: 1',
      'Order number: 2',
    ]);
  });
});
