import { describe, expect, it } from 'vitest';
import { compileEventPattern, EventPatternError, matchesPattern } from '../../tooling/event-pattern.ts';

interface Case {
  name: string;
  pattern: unknown;
  event: unknown;
  matches: boolean;
}

const ec2 = {
  version: '0',
  id: 'ddddd4aa-aaaa-4777-8444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2026-03-02T16:24:49Z',
  region: 'eu-west-1',
  resources: [
    'arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc',
    'arn:aws:ec2:eu-west-1:111122223333:volume/v-1',
  ],
  detail: {
    'c-count': 5,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'source-ipv6': '2001:db8:0:12::7',
    state: 'running',
    empty: '',
    nothing: null,
    enabled: true,
    tags: ['blue', 'green'],
    nested: { inner: { level: 3 } },
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      [{ firstName: 'Peter', lastName: 'Jones' }],
    ],
    'file-name': 'Report.PNG',
    path: 'src/lib/*/index.ts',
    none: [],
  },
};

const cases: Case[] = [
  // exact values, AND across fields, OR within a field
  { name: 'exact string', pattern: { source: ['aws.ec2'] }, event: ec2, matches: true },
  { name: 'exact string, other value', pattern: { source: ['aws.ecr'] }, event: ec2, matches: false },
  {
    name: 'any of the listed values',
    pattern: { source: ['aws.ecr', 'aws.ec2'] },
    event: ec2,
    matches: true,
  },
  {
    name: 'every field must match',
    pattern: { source: ['aws.ec2'], detail: { state: ['stopped'] } },
    event: ec2,
    matches: false,
  },
  { name: 'exact number', pattern: { detail: { 'c-count': [5] } }, event: ec2, matches: true },
  {
    name: 'numbers compare by value',
    pattern: { detail: { 'x-limit': [3.018e2] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'a string never equals a number',
    pattern: { detail: { 'c-count': ['5'] } },
    event: ec2,
    matches: false,
  },
  { name: 'exact boolean', pattern: { detail: { enabled: [true] } }, event: ec2, matches: true },
  { name: 'null matches a null value', pattern: { detail: { nothing: [null] } }, event: ec2, matches: true },
  {
    name: 'null does not match a missing field',
    pattern: { detail: { absent: [null] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'empty string matches an empty value',
    pattern: { detail: { empty: [''] } },
    event: ec2,
    matches: true,
  },
  { name: 'empty string is not null', pattern: { detail: { nothing: [''] } }, event: ec2, matches: false },
  {
    name: 'nested objects',
    pattern: { detail: { nested: { inner: { level: [3] } } } },
    event: ec2,
    matches: true,
  },
  {
    name: 'a nested pattern against a string field',
    pattern: { detail: { state: { inner: ['x'] } } },
    event: ec2,
    matches: false,
  },
  {
    name: 'a field missing from the event',
    pattern: { detail: { absent: ['x'] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'a pattern on a non-object event',
    pattern: { source: ['aws.ec2'] },
    event: 'aws.ec2',
    matches: false,
  },

  // arrays in events
  {
    name: 'an event array matches when any element matches',
    pattern: { resources: ['arn:aws:ec2:eu-west-1:111122223333:volume/v-1'] },
    event: ec2,
    matches: true,
  },
  {
    name: 'an event array with no matching element',
    pattern: { detail: { tags: ['red'] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'objects inside an event array are matched element by element',
    pattern: { detail: { employees: { firstName: ['Anna'] } } },
    event: ec2,
    matches: true,
  },
  {
    name: 'arrays nested in arrays are flattened',
    pattern: { detail: { employees: { firstName: ['Peter'], lastName: ['Jones'] } } },
    event: ec2,
    matches: true,
  },
  {
    name: 'two fields never match from different elements of one array',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } },
    event: ec2,
    matches: false,
  },

  // prefix / suffix
  { name: 'prefix', pattern: { time: [{ prefix: '2026-03-02' }] }, event: ec2, matches: true },
  { name: 'prefix, not a prefix', pattern: { time: [{ prefix: '2026-03-03' }] }, event: ec2, matches: false },
  {
    name: 'prefix only applies to strings',
    pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'prefix ignoring case',
    pattern: { detail: { state: [{ prefix: { 'equals-ignore-case': 'RUN' } }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'prefix is case-sensitive by default',
    pattern: { detail: { state: [{ prefix: 'RUN' }] } },
    event: ec2,
    matches: false,
  },
  { name: 'suffix', pattern: { detail: { 'file-name': [{ suffix: '.PNG' }] } }, event: ec2, matches: true },
  {
    name: 'suffix is case-sensitive',
    pattern: { detail: { 'file-name': [{ suffix: '.png' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'suffix ignoring case',
    pattern: { detail: { 'file-name': [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: ec2,
    matches: true,
  },

  // equals-ignore-case
  {
    name: 'equals-ignore-case',
    pattern: { source: [{ 'equals-ignore-case': 'AWS.EC2' }] },
    event: ec2,
    matches: true,
  },
  {
    name: 'equals-ignore-case needs the whole value',
    pattern: { source: [{ 'equals-ignore-case': 'AWS' }] },
    event: ec2,
    matches: false,
  },
  {
    name: 'equals-ignore-case only applies to strings',
    pattern: { detail: { enabled: [{ 'equals-ignore-case': 'true' }] } },
    event: ec2,
    matches: false,
  },

  // anything-but
  {
    name: 'anything-but a string',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'anything-but the value itself',
    pattern: { detail: { state: [{ 'anything-but': 'running' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but a list containing the value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but a list without the value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'pending'] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'anything-but a number',
    pattern: { detail: { 'c-count': [{ 'anything-but': 5 }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but a list of numbers',
    pattern: { detail: { 'c-count': [{ 'anything-but': [1, 2, 3] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'anything-but with an event array: one element outside the list is enough',
    pattern: { detail: { tags: [{ 'anything-but': ['blue'] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'anything-but with an event array entirely in the list',
    pattern: { detail: { tags: [{ 'anything-but': ['blue', 'green'] }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but never matches a missing field',
    pattern: { detail: { absent: [{ 'anything-but': 'x' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but a prefix',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but another prefix',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'stop' } }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'anything-but a suffix',
    pattern: { detail: { 'file-name': [{ 'anything-but': { suffix: '.PNG' } }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but ignoring case',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['STOPPED', 'RUNNING'] } }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'anything-but a wildcard',
    pattern: { detail: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: ec2,
    matches: false,
  },

  // numeric
  {
    name: 'numeric range inside',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'numeric range with the bound excluded',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'numeric bounds in either order',
    pattern: { detail: { 'c-count': [{ numeric: ['<', 10, '>=', 5] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'numeric equality',
    pattern: { detail: { 'x-limit': [{ numeric: ['=', 301.8] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'numeric lower bound',
    pattern: { detail: { 'x-limit': [{ numeric: ['>=', 302] }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'numeric only applies to JSON numbers',
    pattern: { detail: { n: [{ numeric: ['>', 0] }] } },
    event: { detail: { n: '7' } },
    matches: false,
  },
  {
    name: 'numeric against an array of numbers',
    pattern: { detail: { n: [{ numeric: ['>', 10] }] } },
    event: { detail: { n: [1, 2, 30] } },
    matches: true,
  },

  // exists
  {
    name: 'exists true on a present field',
    pattern: { detail: { state: [{ exists: true }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'exists true on a missing field',
    pattern: { detail: { absent: [{ exists: true }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'exists false on a missing key',
    pattern: { detail: { absent: [{ exists: false }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'exists false on a present field',
    pattern: { detail: { state: [{ exists: false }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'exists true on a null value',
    pattern: { detail: { nothing: [{ exists: true }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'exists false when the parent object is missing too',
    pattern: { other: { absent: [{ exists: false }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'exists only sees leaves: an object field does not exist',
    pattern: { detail: { nested: [{ exists: true }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'exists false on an object field',
    pattern: { detail: { nested: [{ exists: false }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'exists false on an empty array',
    pattern: { detail: { none: [{ exists: false }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'exists false alongside a value: missing or equal',
    pattern: { detail: { absent: ['x', { exists: false }] } },
    event: ec2,
    matches: true,
  },

  // wildcard
  {
    name: 'wildcard',
    pattern: { detail: { 'file-name': [{ wildcard: 'Rep*.PNG' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'wildcard mismatch',
    pattern: { detail: { 'file-name': [{ wildcard: 'Rep*.png' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'wildcard with several stars',
    pattern: { source: [{ wildcard: '*.*' }] },
    event: ec2,
    matches: true,
  },
  {
    name: 'wildcard with an escaped star',
    pattern: { detail: { path: [{ wildcard: 'src/*/\\*/index.ts' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'an escaped star is literal',
    pattern: { detail: { path: [{ wildcard: 'src/lib/\\*' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'wildcard regex characters are literal',
    pattern: { source: [{ wildcard: 'aws.ec?' }] },
    event: ec2,
    matches: false,
  },

  // cidr
  {
    name: 'cidr IPv4 inside',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'cidr IPv4 outside',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'cidr single host',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.33/32' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'cidr /0',
    pattern: { detail: { 'source-ip': [{ cidr: '0.0.0.0/0' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'cidr IPv6 inside',
    pattern: { detail: { 'source-ipv6': [{ cidr: '2001:db8::/32' }] } },
    event: ec2,
    matches: true,
  },
  {
    name: 'cidr IPv6 outside',
    pattern: { detail: { 'source-ipv6': [{ cidr: '2001:db9::/32' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'cidr IPv4 range never holds an IPv6 address',
    pattern: { detail: { 'source-ipv6': [{ cidr: '0.0.0.0/0' }] } },
    event: ec2,
    matches: false,
  },
  {
    name: 'cidr on a non-address',
    pattern: { detail: { state: [{ cidr: '0.0.0.0/0' }] } },
    event: ec2,
    matches: false,
  },

  // $or
  {
    name: '$or: one alternative matches',
    pattern: {
      source: ['aws.ec2'],
      $or: [{ detail: { state: ['stopped'] } }, { detail: { 'c-count': [5] } }],
    },
    event: ec2,
    matches: true,
  },
  {
    name: '$or: no alternative matches',
    pattern: { $or: [{ detail: { state: ['stopped'] } }, { region: ['us-east-1'] }] },
    event: ec2,
    matches: false,
  },
  {
    name: '$or inside a nested object',
    pattern: { detail: { $or: [{ state: ['stopped'] }, { 'file-name': [{ suffix: '.PNG' }] }] } },
    event: ec2,
    matches: true,
  },
  {
    name: '$or does not lift the other fields',
    pattern: { source: ['aws.ecr'], $or: [{ region: ['eu-west-1'] }, { account: ['111122223333'] }] },
    event: ec2,
    matches: false,
  },
];

describe('matchesPattern', () => {
  it.each(cases)('$name → $matches', ({ pattern, event, matches }) => {
    expect(matchesPattern(pattern, event)).toBe(matches);
  });

  it('compiles a pattern once for many events', () => {
    const isPush = compileEventPattern({ detail: { 'action-type': ['PUSH'] } });
    expect(
      [{ detail: { 'action-type': 'PUSH' } }, { detail: { 'action-type': 'DELETE' } }].map(isPush),
    ).toEqual([true, false]);
  });
});

describe('invalid patterns', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a pattern that is not an object', ['aws.ec2'], /expected an object/],
    ['an empty pattern', {}, /empty objects/],
    [
      'a bare value instead of a list',
      { source: 'aws.ec2' },
      /source: expected an array of values or a nested object/,
    ],
    ['an empty list', { source: [] }, /empty arrays/],
    ['an empty nested object', { detail: {} }, /detail: empty objects/],
    ['a list inside a list', { source: [['aws.ec2']] }, /source\[0\]/],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }, /unsupported operator "contains"/],
    ['an operator object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['prefix with a number', { source: [{ prefix: 5 }] }, /"prefix" expects a string/],
    [
      'prefix with an unsupported inner operator',
      { source: [{ prefix: { wildcard: 'a*' } }] },
      /only "equals-ignore-case"/,
    ],
    ['equals-ignore-case with a list', { source: [{ 'equals-ignore-case': ['a'] }] }, /expects a string/],
    ['exists with a string', { source: [{ exists: 'true' }] }, /"exists" expects true or false/],
    ['numeric with an odd list', { n: [{ numeric: ['>', 1, '<'] }] }, /"numeric" expects/],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 1] }] }, /operator must be one of/],
    ['numeric with two lower bounds', { n: [{ numeric: ['>', 1, '>=', 2] }] }, /one lower .* and one upper/],
    ['numeric with an empty range', { n: [{ numeric: ['>', 5, '<', 1] }] }, /range is empty/],
    ['numeric with a string bound', { n: [{ numeric: ['>', '1'] }] }, /bound must be a number/],
    ['numeric beyond the supported range', { n: [{ numeric: ['<', 6e9] }] }, /between -5e9 and 5e9/],
    ['anything-but with a mixed list', { n: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
    ['anything-but with an empty list', { n: [{ 'anything-but': [] }] }, /non-empty list/],
    [
      'anything-but with numeric inside',
      { n: [{ 'anything-but': { numeric: ['>', 1] } }] },
      /does not support "numeric"/,
    ],
    ['anything-but with a boolean', { n: [{ 'anything-but': true }] }, /"anything-but" expects/],
    ['wildcard with consecutive stars', { n: [{ wildcard: 'a**b' }] }, /consecutive "\*"/],
    ['wildcard with a bad escape', { n: [{ wildcard: 'a\\b' }] }, /backslash may only escape/],
    ['cidr without a prefix length', { ip: [{ cidr: '10.0.0.1' }] }, /"cidr" expects/],
    ['cidr with a prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, /"cidr" expects/],
    ['cidr with a bad address', { ip: [{ cidr: '10.0.0.256/24' }] }, /"cidr" expects/],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }, /\$or: expected an array of at least two/],
    ['$or that is not a list', { $or: { source: ['a'] } }, /\$or: expected an array/],
    ['$or with a non-object alternative', { $or: [{ source: ['a'] }, 'b'] }, /\$or\[1\]: expected an object/],
  ];

  it.each(invalid)('throws for %s', (_name, pattern, message) => {
    expect(() => matchesPattern(pattern, {})).toThrow(EventPatternError);
    expect(() => matchesPattern(pattern, {})).toThrow(message);
  });

  it('throws for an invalid operator even when the event does not reach the field', () => {
    expect(() =>
      matchesPattern({ source: ['aws.ecr'], detail: { x: [{ regex: '.*' }] } }, { source: 'aws.ec2' }),
    ).toThrow(/detail\.x\[0\]: unsupported operator "regex"/);
  });
});
