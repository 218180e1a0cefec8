import * as http from 'http';
import {
  AccessDeniedException,
  BadRequestException,
  GetEventStreamCommand,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-customer-profiles';
import { external } from '../../lambda/index';
import { HANDLER_TIMING } from '../../lambda/timing';
import { ATTRIBUTE_NAMES } from '../../src/wire/attributes';
import { createEvent, deleteEvent, KINESIS_ARN, runningStream, STACK_ID, STREAM_ARN, updateEvent } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

const h = HandlerHarness.forEachTest();

const meta = { $metadata: {} };

describe('Create', () => {
  test('answers SUCCESS with the stream facts as Data, keyed by the stream ARN', async () => {
    h.profiles.on(GetEventStreamCommand, { DomainName: 'retail-profiles', EventStreamName: 'orders' }).resolves(runningStream());
    const event = createEvent(h.newUrl());

    const response = await h.respond(event);

    expect(response).toEqual({
      Status: 'SUCCESS',
      Reason: expect.stringContaining("found event stream 'orders' in domain 'retail-profiles' (us-east-1)"),
      PhysicalResourceId: STREAM_ARN,
      StackId: STACK_ID,
      RequestId: event.RequestId,
      LogicalResourceId: 'OrdersA9B65338',
      NoEcho: false,
      Data: {
        EventStreamArn: STREAM_ARN,
        Uri: KINESIS_ARN,
        State: 'RUNNING',
        DestinationStatus: 'HEALTHY',
        DestinationMessage: '',
        CreatedAt: '2026-01-15T10:00:00.000Z',
        StoppedSince: '',
        UnhealthySince: '',
        Exists: 'true',
        DomainName: 'retail-profiles',
        EventStreamName: 'orders',
        Region: 'us-east-1',
      },
    });
    expect(Object.keys(response.Data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
  });

  test('returns a fixed set of fields, never the raw response (no tags)', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream({ Tags: { secret: 'x'.repeat(256) } }));
    const response = await h.respond(createEvent(h.newUrl()));
    expect(JSON.stringify(response)).not.toContain('secret');
  });

  test('looks in the region of the Region property', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl(), { Region: 'eu-west-2' }));
    expect(response.Data.Region).toBe('eu-west-2');
    const client = h.profiles.send.getCall(0).thisValue as { config: { region: () => Promise<string> } };
    await expect(client.config.region()).resolves.toBe('eu-west-2');
    expect(response.Reason).toContain('(eu-west-2)');
  });
});

describe('the response\'s connection', () => {
  test('is opened while GetEventStream is in flight, and the PUT goes over it', async () => {
    http.globalAgent.destroy(); // no kept-alive connection of an earlier test for the PUT to reuse instead
    const before = h.receiver.connections;
    let openDuringCall = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(async () => {
      // The call answers only once the receiver has accepted the connection opened ahead.
      for (let i = 0; i < 200 && h.receiver.connections === before; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      openDuringCall = h.receiver.connections - before;
      return runningStream();
    });
    expect(await h.respond(createEvent(h.newUrl()))).toMatchObject({ Status: 'SUCCESS' });
    expect(openDuringCall).toBe(1);
    expect(h.receiver.connections - before).toBe(1);
  });

  test('only with the first call: a lookup whose calls are retried opens one connection ahead, not one per call', async () => {
    const opened: string[] = [];
    external.connectAhead = (url) => void opened.push(url);
    h.profiles
      .on(GetEventStreamCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', ...meta }))
      .rejectsOnce(new InternalServerException({ message: 'boom', ...meta }))
      .resolves(runningStream());
    const event = createEvent(h.newUrl());
    expect(await h.respond(event)).toMatchObject({ Status: 'SUCCESS' });
    expect(h.profiles.commandCalls(GetEventStreamCommand)).toHaveLength(3);
    expect(opened).toEqual([event.ResponseURL]);
  });

  test('a Delete, which calls nothing, opens none ahead', async () => {
    const opened: string[] = [];
    external.connectAhead = (url) => void opened.push(url);
    expect(await h.respond(deleteEvent(h.newUrl(), createEvent(h.newUrl()), STREAM_ARN))).toMatchObject({ Status: 'SUCCESS' });
    expect(opened).toEqual([]);
  });
});

describe('Update', () => {
  test('looks up again and keeps the same physical id for the same stream', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const create = createEvent(h.newUrl());
    const update = updateEvent(h.newUrl(), create, STREAM_ARN, { RefreshToken: '2' });
    const response = await h.respond(update);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
    expect(h.profiles.commandCalls(GetEventStreamCommand)).toHaveLength(1);
  });

  test('a new stream gets its own physical id (CloudFormation then deletes the old one: a no-op)', async () => {
    const other = STREAM_ARN.replace('orders', 'returns');
    h.profiles.on(GetEventStreamCommand, { EventStreamName: 'returns' }).resolves(runningStream({ EventStreamArn: other }));
    const update = updateEvent(h.newUrl(), createEvent(h.newUrl()), STREAM_ARN, { EventStreamName: 'returns' });
    expect(await h.respond(update)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: other });
  });

  test('a failed Update keeps the previous physical id', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new ResourceNotFoundException({ message: 'Stream not found', ...meta }));
    const update = updateEvent(h.newUrl(), createEvent(h.newUrl()), STREAM_ARN, { EventStreamName: 'gone' });
    expect(await h.respond(update)).toMatchObject({ Status: 'FAILED', PhysicalResourceId: STREAM_ARN });
  });
});

describe('Delete', () => {
  test('answers SUCCESS without calling any API, echoing the physical id', async () => {
    const event = deleteEvent(h.newUrl(), createEvent(h.newUrl()), STREAM_ARN);
    expect(await h.respond(event)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
    expect(h.profiles.calls()).toHaveLength(0);
    expect(h.sts.calls()).toHaveLength(0);
  });

  test('the Delete after a failed Create succeeds', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new AccessDeniedException({ message: 'denied', ...meta }));
    const create = createEvent(h.newUrl());
    const failed = await h.respond(create);
    expect(failed.Status).toBe('FAILED');
    expect(failed.PhysicalResourceId).toBeTruthy();

    const response = await h.respond(deleteEvent(h.newUrl(), create, failed.PhysicalResourceId));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: failed.PhysicalResourceId });
    expect(h.profiles.calls()).toHaveLength(1); // only the Create's
  });

  test.each([
    ['missing', undefined],
    ['garbage', { DomainName: '!!', EventStreamName: 42, WaitTimeoutSeconds: 'forever' }],
    ['not an object', 'nonsense'],
  ])('succeeds when properties are %s', async (_, properties) => {
    const event = { ...deleteEvent(h.newUrl(), createEvent(h.newUrl()), 'EventStreamLookup:OrdersA9B65338'), ResourceProperties: properties };
    expect(await h.respond(event)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'EventStreamLookup:OrdersA9B65338' });
    expect(h.profiles.calls()).toHaveLength(0);
  });
});

describe('errors name the domain, the stream and the region, and say what to do', () => {
  test('not found', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new ResourceNotFoundException({ message: 'Event stream not found', ...meta }));
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain("event stream 'orders' in domain 'retail-profiles' (us-east-1) not found");
    expect(response.Reason).toContain('failIfMissing: false');
    expect(response.PhysicalResourceId).toBe('EventStreamLookup:OrdersA9B65338');
    expect(response.Data).toBeUndefined();
  });

  test('access denied', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new AccessDeniedException({ message: 'User is not authorized', ...meta }));
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^access denied reading event stream 'orders' in domain 'retail-profiles' \(us-east-1\): AccessDeniedException: User is not authorized\. Allow profile:GetEventStream/);
  });

  test('bad request', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new BadRequestException({ message: 'Invalid domain', ...meta }));
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Reason).toContain("Customer Profiles rejected the request for event stream 'orders' in domain 'retail-profiles' (us-east-1): BadRequestException: Invalid domain");
  });

  test.each([
    // Throttling: until the Lambda's time (60 s) less the reserve (6 s) and a last call (2 s).
    ['throttling', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 1 } }), /^Customer Profiles throttled GetEventStream for event stream 'orders' in domain 'retail-profiles' \(us-east-1\) \d+ times over \d+s; the last: ThrottlingException: Rate exceeded\. .*sized for 5 calls\/s \(burst 10\)\. Retry the deployment when fewer calls compete/, 52_000],
    // Other transient errors: one check's budget (30 s) less the headroom for a hanging last call.
    ['5xx', () => new InternalServerException({ message: 'Internal', $metadata: { httpStatusCode: 500, attempts: 1 } }), /^Customer Profiles did not answer GetEventStream for event stream 'orders' in domain 'retail-profiles' \(us-east-1\): \d+ transient errors over \d+s; the last: InternalServerException: Internal\. Check the service's health/, 30_000 - HANDLER_TIMING.retryHeadroomMs],
  ])('%s retried with jittered backoff until its time runs short, without a wait', async (_, error, reason, retryFor) => {
    h.profiles.on(GetEventStreamCommand).rejects(error());
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(reason);
    // Retried, not only for the SDK's few attempts: for a lone lookup, one check's budget less the headroom.
    expect(h.profiles.calls().length).toBeGreaterThan(4);
    const slept = h.sleeps.reduce((a, b) => a + b, 0);
    expect(slept).toBeLessThan(retryFor);
    expect(slept).toBeGreaterThan(retryFor - HANDLER_TIMING.retryBackoffMaxMs);
  });

  test('a network error', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Reason).toContain('did not answer GetEventStream');
  });

  test('anything else', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(Object.assign(new Error('The security token included in the request is invalid'), { name: 'UnrecognizedClientException' }));
    const response = await h.respond(createEvent(h.newUrl()));
    expect(response.Reason).toContain("GetEventStream failed for event stream 'orders' in domain 'retail-profiles' (us-east-1): UnrecognizedClientException");
  });
});

describe('missing streams', () => {
  test('with failIfMissing false: SUCCESS, Exists false, every attribute present', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));
    const response = await h.respond(createEvent(h.newUrl(), { FailIfMissing: 'false', RequiredState: 'RUNNING' }));
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('missing:us-east-1:retail-profiles/orders');
    expect(response.Reason).toBe("event stream 'orders' in domain 'retail-profiles' (us-east-1) does not exist; deploying without it (failIfMissing: false)");
    expect(response.Data).toMatchObject({ Exists: 'false', EventStreamArn: '', Uri: '', State: '' });
    expect(Object.keys(response.Data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
  });
});

describe('logs', () => {
  test('never contain the ResponseURL or the external id', async () => {
    h.sts.onAnyCommand().resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 't', Expiration: new Date() } });
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const url = h.newUrl();
    await h.respond(createEvent(url, { RoleArn: 'arn:aws:iam::210987654321:role/Reader', ExternalId: 'very-secret-id' }));
    const logs = h.logs.join('\n');
    expect(logs).toContain('[redacted]');
    expect(logs).not.toContain(new URL(url).search.slice(1, 30));
    expect(logs).not.toContain('X-Amz-Signature');
    expect(logs).not.toContain('very-secret-id');
    expect(logs).not.toContain('secret"');
  });
});
