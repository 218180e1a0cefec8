import { GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';
import { describeStream, missingAttributes, missingPhysicalId, streamPhysicalId, toAttributes } from '../../lambda/attributes';
import { LookupSpec } from '../../src/wire/properties';
import { KINESIS_ARN, lookupSpec, runningStream, stoppedStream, STREAM_ARN } from '../fixtures/events';

/**
 * The attribute set and physical ids of a lookup, as pure functions: what `Fn::GetAtt` reads, and
 * which id changes (a replacement) when another stream is looked up.
 */

const spec = lookupSpec();

describe('toAttributes', () => {
  test('a stopped stream with an unhealthy destination: every attribute, dates as ISO strings', () => {
    expect(toAttributes(spec, stoppedStream())).toEqual({
      EventStreamArn: STREAM_ARN,
      Uri: KINESIS_ARN,
      State: 'STOPPED',
      DestinationStatus: 'UNHEALTHY',
      DestinationMessage: 'Kinesis stream retail-orders: AccessDenied on PutRecords',
      CreatedAt: '2026-01-15T10:00:00.000Z',
      StoppedSince: '2026-11-30T08:00:00.000Z',
      UnhealthySince: '2026-11-30T07:55:00.000Z',
      Exists: 'true',
      DomainName: 'retail-profiles',
      EventStreamName: 'orders',
      Region: 'us-east-1',
    });
  });

  test('tags and other fields of the answer are dropped: exactly the fixed attribute set', () => {
    const attributes = toAttributes(spec, runningStream({ Tags: { team: 'retail' } }));
    expect(Object.keys(attributes).sort()).toEqual(
      ['CreatedAt', 'DestinationMessage', 'DestinationStatus', 'DomainName', 'EventStreamArn', 'EventStreamName',
        'Exists', 'Region', 'State', 'StoppedSince', 'UnhealthySince', 'Uri'],
    );
  });

  test('an answer without destination details or any optional field: empty strings, never undefined', () => {
    expect(toAttributes(spec, { $metadata: {} } as GetEventStreamCommandOutput)).toEqual({
      EventStreamArn: '',
      Uri: '',
      State: '',
      DestinationStatus: '',
      DestinationMessage: '',
      CreatedAt: '',
      StoppedSince: '',
      UnhealthySince: '',
      Exists: 'true',
      DomainName: 'retail-profiles',
      EventStreamName: 'orders',
      Region: 'us-east-1',
    });
  });

  test('the domain name of the answer wins over the requested one', () => {
    expect(toAttributes(spec, runningStream({ DomainName: 'Retail-Profiles' })).DomainName).toBe('Retail-Profiles');
  });

  test('an invalid date becomes an empty string', () => {
    const attributes = toAttributes(spec, runningStream({ CreatedAt: new Date('not a date') }));
    expect(attributes.CreatedAt).toBe('');
  });
});

describe('missingAttributes', () => {
  test('every attribute is present, empty but for Exists and the names', () => {
    expect(missingAttributes(spec)).toEqual({
      EventStreamArn: '',
      Uri: '',
      State: '',
      DestinationStatus: '',
      DestinationMessage: '',
      CreatedAt: '',
      StoppedSince: '',
      UnhealthySince: '',
      Exists: 'false',
      DomainName: 'retail-profiles',
      EventStreamName: 'orders',
      Region: 'us-east-1',
    });
  });
});

describe('physical ids', () => {
  const nameId = 'stream:us-east-1:retail-profiles/orders';

  test('a stream with an ARN is identified by it', () => {
    expect(streamPhysicalId(spec, STREAM_ARN)).toBe(STREAM_ARN);
  });

  test.each([
    ['empty', ''],
    ['not an ARN', 'retail-profiles/orders'],
    ['"arn" without its colon', 'arnaws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/orders'],
  ])('an answer without a usable ARN (%s) gives the name-based id', (_, arn) => {
    expect(streamPhysicalId(spec, arn)).toBe(nameId);
  });

  test('an ARN of exactly 255 characters is kept; one of 256 gives the name-based id', () => {
    const prefix = 'arn:aws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/';
    const arn255 = prefix + 'x'.repeat(255 - prefix.length);
    const arn256 = prefix + 'x'.repeat(256 - prefix.length);
    expect(arn255).toHaveLength(255);
    expect(streamPhysicalId(spec, arn255)).toBe(arn255);
    expect(arn256).toHaveLength(256);
    expect(streamPhysicalId(spec, arn256)).toBe(nameId);
  });

  test('the name-based ids carry the region, domain and stream', () => {
    const other: LookupSpec = { ...spec, region: 'eu-west-2', domainName: 'd', eventStreamName: 's' };
    expect(streamPhysicalId(other, '')).toBe('stream:eu-west-2:d/s');
    expect(missingPhysicalId(other)).toBe('missing:eu-west-2:d/s');
    expect(missingPhysicalId(spec)).toBe('missing:us-east-1:retail-profiles/orders');
  });
});

describe('describeStream', () => {
  test('a stopped stream with an unhealthy destination: both dates and the message', () => {
    expect(describeStream(toAttributes(spec, stoppedStream()))).toBe(
      `STOPPED since 2026-11-30T08:00:00.000Z, destination ${KINESIS_ARN} UNHEALTHY since 2026-11-30T07:55:00.000Z ` +
        '(Kinesis stream retail-orders: AccessDenied on PutRecords)',
    );
  });

  test('a running stream with a healthy destination: no dates, no message', () => {
    expect(describeStream(toAttributes(spec, runningStream()))).toBe(`RUNNING, destination ${KINESIS_ARN} HEALTHY`);
  });

  test('a stream without a destination says so', () => {
    expect(describeStream(toAttributes(spec, runningStream({ DestinationDetails: undefined })))).toBe('RUNNING, destination (none) ');
  });
});
