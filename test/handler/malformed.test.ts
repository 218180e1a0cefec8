import { GetEventStreamCommand } from '@aws-sdk/client-customer-profiles';
import { external, handler } from '../../lambda/index';
import { parseSpec } from '../../lambda/request';
import { createEvent, runningStream } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

const h = HandlerHarness.forEachTest();

describe('malformed events answer FAILED with a clear Reason, never throw', () => {
  test.each([
    ['no ResourceProperties', { ResourceProperties: undefined }, 'the lookup has no ResourceProperties'],
    ['no DomainName', { ResourceProperties: { EventStreamName: 'orders' } }, 'DomainName (missing) is not a valid name'],
    ['a bad EventStreamName', { ResourceProperties: { DomainName: 'd', EventStreamName: 'no spaces' } }, 'EventStreamName "no spaces" is not a valid name'],
    ['a number as name', { ResourceProperties: { DomainName: 7, EventStreamName: 'orders' } }, 'DomainName 7 is not a valid name'],
    ['a bad RequiredState', { ResourceProperties: { DomainName: 'd', EventStreamName: 's', RequiredState: 'PAUSED' } }, "RequiredState \"PAUSED\" is invalid: expected 'RUNNING' or 'STOPPED'"],
    ['a bad flag', { ResourceProperties: { DomainName: 'd', EventStreamName: 's', FailIfMissing: 'nope' } }, "FailIfMissing \"nope\" is invalid: expected 'true' or 'false'"],
    ['a bad wait', { ResourceProperties: { DomainName: 'd', EventStreamName: 's', WaitTimeoutSeconds: '-5' } }, 'WaitTimeoutSeconds "-5" is invalid'],
    ['a wait too long', { ResourceProperties: { DomainName: 'd', EventStreamName: 's', WaitTimeoutSeconds: '9999' } }, 'WaitTimeoutSeconds 9999 is above the maximum of 840'],
    ['a bad role', { ResourceProperties: { DomainName: 'd', EventStreamName: 's', RoleArn: 'admin' } }, 'RoleArn "admin" is invalid: expected an IAM role ARN'],
    ['a bad region', { ResourceProperties: { DomainName: 'd', EventStreamName: 's', Region: 'mars' } }, 'Region "mars" is invalid'],
    ['an unknown RequestType', { RequestType: 'Upsert' }, 'unknown RequestType "Upsert": expected Create, Update or Delete.'],
    ['no RequestType', { RequestType: undefined }, 'unknown RequestType ""'],
  ])('%s', async (_, overrides, reason) => {
    const event = { ...createEvent(h.newUrl()), ...overrides };
    const response = await h.respond(event);
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(reason);
    expect(response.PhysicalResourceId).toBeTruthy();
    expect(h.profiles.calls()).toHaveLength(0);
  });

  test('lists every problem at once', async () => {
    const response = await h.respond({ ...createEvent(h.newUrl()), ResourceProperties: { DomainName: '', EventStreamName: '', RequiredState: 'x' } });
    expect(response.Reason).toMatch(/DomainName .*; EventStreamName .*; RequiredState/);
  });

  test('a missing region (no Region, no AWS_REGION)', async () => {
    delete process.env.AWS_REGION;
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Reason).toContain('no region');
  });

  test('an event with no ids still gets a non-empty physical id', async () => {
    const response = await h.respond({ RequestType: 'Create', ResponseURL: h.newUrl() });
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'EventStreamLookup:unknown', StackId: '', RequestId: '' });
  });

  test.each([[undefined], [null], ['text'], [42], [[1, 2]], [{}], [{ ResponseURL: 42 }]])('an event with no ResponseURL (%p) resolves without answering', async (event) => {
    await expect(handler(event as unknown, undefined)).resolves.toBeUndefined();
    expect(h.logs.join('\n')).toContain('no ResponseURL');
  });

  test('a context without remaining time still works', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const url = h.newUrl();
    await handler(createEvent(url), { getRemainingTimeInMillis: () => { throw new Error('no'); } });
    expect(h.receiver.responsesFor(url)[0].json.Status).toBe('SUCCESS');
  });

  test('an unexpected error inside the lookup is answered FAILED', async () => {
    external.fetch = () => {
      throw new TypeError('boom');
    };
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('boom');
  });
});

describe('parseSpec', () => {
  test('reads every property', () => {
    expect(parseSpec({
      DomainName: 'retail-profiles',
      EventStreamName: 'orders',
      Region: 'eu-central-1',
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      ExternalId: 'ext-123',
      RequiredState: 'RUNNING',
      RequireHealthyDestination: 'true',
      WaitTimeoutSeconds: '120',
      FailIfMissing: 'false',
      RefreshToken: 'abc',
      ServiceToken: 'arn:...',
      ServiceTimeout: '90',
    }, 'us-east-1')).toEqual({
      domainName: 'retail-profiles',
      eventStreamName: 'orders',
      region: 'eu-central-1',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      externalId: 'ext-123',
      requiredState: 'RUNNING',
      requireHealthyDestination: true,
      waitSeconds: 120,
      failIfMissing: false,
      refreshToken: 'abc',
    });
  });

  test('defaults', () => {
    expect(parseSpec({ DomainName: 'd', EventStreamName: 's' }, 'us-west-2')).toEqual({
      domainName: 'd',
      eventStreamName: 's',
      region: 'us-west-2',
      requireHealthyDestination: false,
      waitSeconds: 0,
      failIfMissing: true,
      roleArn: undefined,
      externalId: undefined,
      requiredState: undefined,
    });
  });

  test('long garbage is shortened in the message', () => {
    expect(() => parseSpec({ DomainName: 'x'.repeat(5000), EventStreamName: 's' }, 'us-east-1')).toThrow(/DomainName "x{70,80}\.\.\. is not a valid name/);
  });
});
