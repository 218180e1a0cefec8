import * as fc from 'fast-check';
import { decodeProperties, encodeProperties, LookupRequest, PROPERTY_NAMES } from '../../src/wire/properties';
import { MAX_WAIT_SECONDS } from '../../src/wire/timing';

/**
 * The wire contract: what the construct encodes, the handler decodes to the same request, for every
 * prop; defaults travel as absent properties.
 */

const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-5', 'us-gov-west-1');
const request: fc.Arbitrary<LookupRequest> = fc.record({
  domainName: name,
  eventStreamName: name,
  region: fc.option(region, { nil: undefined }),
  roleArn: fc.option(fc.stringMatching(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]{1,64}$/), { nil: undefined }),
  externalId: fc.option(fc.stringMatching(/^[\w+=,.@:/-]{2,64}$/), { nil: undefined }),
  requiredState: fc.option(fc.constantFrom('RUNNING' as const, 'STOPPED' as const), { nil: undefined }),
  requireHealthyDestination: fc.boolean(),
  waitSeconds: fc.integer({ min: 0, max: MAX_WAIT_SECONDS }),
  failIfMissing: fc.boolean(),
  refreshToken: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
});

test('every request survives encode then decode, its region settled by the function\'s own', () => {
  fc.assert(fc.property(request, (r) => {
    const decoded = decodeProperties(encodeProperties(r), 'sa-east-1');
    expect(decoded.error).toBeUndefined();
    expect(decoded.spec).toEqual({ ...r, region: r.region ?? 'sa-east-1' });
  }));
});

test('every property is a string, and a default is left out', () => {
  fc.assert(fc.property(request, (r) => {
    const properties = encodeProperties(r);
    for (const value of Object.values(properties)) {
      expect(typeof value).toBe('string');
    }
    expect(PROPERTY_NAMES.requireHealthyDestination in properties).toBe(r.requireHealthyDestination);
    expect(PROPERTY_NAMES.failIfMissing in properties).toBe(!r.failIfMissing);
    expect(PROPERTY_NAMES.waitSeconds in properties).toBe(r.waitSeconds > 0);
    expect(PROPERTY_NAMES.region in properties).toBe(r.region !== undefined);
  }));
});

test('the smallest request is two names', () => {
  const minimal = { domainName: 'retail-profiles', eventStreamName: 'orders', requireHealthyDestination: false, waitSeconds: 0, failIfMissing: true };
  expect(encodeProperties(minimal)).toEqual({ DomainName: 'retail-profiles', EventStreamName: 'orders' });
});

test('a request with every prop set spells each property name', () => {
  expect(encodeProperties({
    domainName: 'd',
    eventStreamName: 's',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    externalId: 'ext',
    requiredState: 'RUNNING',
    requireHealthyDestination: true,
    waitSeconds: 60,
    failIfMissing: false,
    refreshToken: 't',
  })).toEqual({
    DomainName: 'd',
    EventStreamName: 's',
    Region: 'eu-west-1',
    RoleArn: 'arn:aws:iam::123456789012:role/r',
    ExternalId: 'ext',
    RequiredState: 'RUNNING',
    RequireHealthyDestination: 'true',
    WaitTimeoutSeconds: '60',
    FailIfMissing: 'false',
    RefreshToken: 't',
  });
});

test('decoding reports every problem at once, and anything but an object as missing properties', () => {
  expect(decodeProperties({ DomainName: 'bad name', WaitTimeoutSeconds: '9999' }, undefined).error).toBe(
    "invalid lookup properties: DomainName \"bad name\" is not a valid name (1-64 letters, digits, '_' or '-'); " +
      "EventStreamName (missing) is not a valid name (1-64 letters, digits, '_' or '-'); WaitTimeoutSeconds 9999 is above the maximum of 840; " +
      'no region: set Region or run the function with AWS_REGION.',
  );
  for (const value of [undefined, null, 'x', [1]]) {
    expect(decodeProperties(value, 'us-east-1').error).toBe('the lookup has no ResourceProperties: expected DomainName and EventStreamName.');
  }
});
