import { parseSpec } from '../../lambda/request';
import { validateName, validateRegion, validateRole } from '../../src/validation';
import { EXTERNAL_ID_PATTERN, NAME_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from '../../src/wire/patterns';

/**
 * The patterns both sides use (synth-time validation and the handler's parsing), at their edges:
 * every allowed character class, the length bounds, and the anchors.
 */

const cases: Array<[name: string, pattern: RegExp, valid: string[], invalid: string[]]> = [
  [
    'names',
    NAME_PATTERN,
    ['a', 'Z', '0', '_', '-', 'retail-profiles_2', 'x'.repeat(64)],
    ['', 'x'.repeat(65), 'has space', 'dot.name', 'slash/name', ' lead', 'trail ', 'ünï', 'a\nb'],
  ],
  [
    'regions',
    REGION_PATTERN,
    ['us-east-1', 'eu-west-3', 'us-gov-west-1', 'ap-southeast-5', 'cn-north-1', 'il-central-1', 'us-east-10'],
    ['', 'us-east', 'useast-1', 'us-east-100', 'US-east-1', 'usa-east-1', 'u-east-1', ' us-east-1', 'us-east-1 ', 'us-east-1a', 'us--east-1', 'us-east1'],
  ],
  [
    'role ARNs',
    ROLE_ARN_PATTERN,
    [
      'arn:aws:iam::210987654321:role/ProfilesReader',
      'arn:aws-cn:iam::210987654321:role/r',
      'arn:aws-us-gov:iam::210987654321:role/team/path/Reader+=,.@_-',
      `arn:aws:iam::210987654321:role/${'r'.repeat(512)}`,
    ],
    [
      '',
      'arn:aws:iam::21098765432:role/r',
      'arn:aws:iam::2109876543210:role/r',
      'arn:aws:iam::210987654321:role/',
      'arn:aws:iam::210987654321:user/r',
      'arn:aws:sts::210987654321:role/r',
      'arn:aws:iam:us-east-1:210987654321:role/r',
      'arn:AWS:iam::210987654321:role/r',
      `arn:aws:iam::210987654321:role/${'r'.repeat(513)}`,
      'arn:aws:iam::210987654321:role/has space',
      ' arn:aws:iam::210987654321:role/r',
      'arn:aws:iam::210987654321:role/r ',
    ],
  ],
  [
    'external IDs',
    EXTERNAL_ID_PATTERN,
    ['ab', 'x'.repeat(1224), 'consumer-stack_1+=,.@:/-'],
    ['', 'a', 'x'.repeat(1225), 'has space', 'semi;colon', ' ab', 'ab '],
  ],
];

describe.each(cases)('%s', (_, pattern, valid, invalid) => {
  test.each(valid)('accepts %j', (value) => expect(pattern.test(value)).toBe(true));
  test.each(invalid)('refuses %j', (value) => expect(pattern.test(value)).toBe(false));
});

describe('both sides use the same patterns', () => {
  const properties = (extra: Record<string, string>) => ({ DomainName: 'd', EventStreamName: 's', ...extra });

  test('names', () => {
    expect(() => validateName('domainName', 'x'.repeat(64))).not.toThrow();
    expect(() => validateName('domainName', 'x'.repeat(65))).toThrow(/invalid domainName/);
    expect(() => parseSpec(properties({ DomainName: 'x'.repeat(64) }), 'us-east-1')).not.toThrow();
    expect(() => parseSpec(properties({ DomainName: 'x'.repeat(65) }), 'us-east-1')).toThrow(/DomainName .* is not a valid name/);
  });

  test('regions', () => {
    expect(() => validateRegion('us-gov-west-1')).not.toThrow();
    expect(() => validateRegion('us-east-100')).toThrow(/invalid region/);
    expect(parseSpec(properties({ Region: 'us-gov-west-1' }), 'us-east-1').region).toBe('us-gov-west-1');
    expect(() => parseSpec(properties({ Region: 'us-east-100' }), 'us-east-1')).toThrow(/Region "us-east-100"/);
  });

  test('roles and external IDs', () => {
    const role = 'arn:aws-us-gov:iam::210987654321:role/team/Reader';
    expect(() => validateRole(role, 'ab')).not.toThrow();
    expect(() => validateRole('arn:aws:iam::1:role/r', undefined)).toThrow(/invalid roleArn/);
    expect(() => validateRole(role, 'a')).toThrow(/invalid externalId/);
    expect(parseSpec(properties({ RoleArn: role, ExternalId: 'ab' }), 'us-east-1')).toMatchObject({ roleArn: role, externalId: 'ab' });
    expect(() => parseSpec(properties({ RoleArn: 'arn:aws:iam::1:role/r' }), 'us-east-1')).toThrow(/RoleArn/);
    expect(() => parseSpec(properties({ RoleArn: role, ExternalId: 'a' }), 'us-east-1')).toThrow(/ExternalId/);
  });
});
