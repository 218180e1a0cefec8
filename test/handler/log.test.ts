import { log, redactEvent } from '../../lambda/log';

/** The handler's log lines: one JSON object per line, and no secret (the presigned URL, the external ID) in them. */

describe('log', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  test('writes the message and the fields as one JSON line', () => {
    log('looked up', { domain: 'retail-profiles', attempts: 2 });
    log('no fields');
    expect(lines).toEqual(['{"message":"looked up","domain":"retail-profiles","attempts":2}', '{"message":"no fields"}']);
  });

  test('fields that cannot be serialized still give a line, and never throw', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => log('odd', { circular, big: BigInt(1) })).not.toThrow();
    expect(lines).toEqual(['{"message":"odd","fields":"[unserializable]"}']);
  });
});

describe('redactEvent', () => {
  const event = {
    RequestType: 'Update',
    ResponseURL: 'https://bucket.s3.amazonaws.com/key?X-Amz-Signature=secret',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Consumer/guid',
    ResourceProperties: { DomainName: 'retail-profiles', RoleArn: 'arn:aws:iam::210987654321:role/R', ExternalId: 'shared-secret' },
    OldResourceProperties: { DomainName: 'retail-profiles', ExternalId: 'old-secret' },
  };

  test('replaces the ResponseURL and both external IDs with a marker, and keeps everything else', () => {
    expect(redactEvent(event)).toEqual({
      RequestType: 'Update',
      ResponseURL: '[redacted]',
      StackId: event.StackId,
      ResourceProperties: { DomainName: 'retail-profiles', RoleArn: 'arn:aws:iam::210987654321:role/R', ExternalId: '[redacted]' },
      OldResourceProperties: { DomainName: 'retail-profiles', ExternalId: '[redacted]' },
    });
    expect(JSON.stringify(redactEvent(event))).not.toMatch(/secret/);
  });

  test('marks only what is there: no URL, no external ID, no old properties', () => {
    const properties = { DomainName: 'retail-profiles' };
    const redacted = redactEvent({ RequestType: 'Create', ResourceProperties: properties }) as Record<string, unknown>;
    expect(redacted.ResponseURL).toBeUndefined();
    expect(redacted.ResourceProperties).toBe(properties);
    expect(redacted.OldResourceProperties).toBeUndefined();
    expect(JSON.stringify(redacted)).toBe('{"RequestType":"Create","ResourceProperties":{"DomainName":"retail-profiles"}}');
  });

  test('properties that are not an object are kept as they are', () => {
    for (const odd of ['text', null, ['ExternalId', 'x'], 7]) {
      expect((redactEvent({ ResourceProperties: odd, OldResourceProperties: odd }) as Record<string, unknown>)).toMatchObject({
        ResourceProperties: odd,
        OldResourceProperties: odd,
      });
    }
  });

  test('an event that is not an object is logged by its type only', () => {
    expect(redactEvent('https://bucket.s3.amazonaws.com/key?X-Amz-Signature=secret')).toEqual({ event: 'string' });
    expect(redactEvent(null)).toEqual({ event: 'object' });
    expect(redactEvent([event])).toEqual({ event: 'object' });
    expect(redactEvent(undefined)).toEqual({ event: 'undefined' });
  });
});
