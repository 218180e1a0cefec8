import {
  AccessDeniedException, CustomerProfilesClient, GetEventStreamCommand, ListEventStreamsCommand, ResourceNotFoundException, ThrottlingException,
} from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { isTransient, retryDelayMs } from '../../lambda/watch/check';
import { external, handler } from '../../lambda/watch/index';
import { encodeWatchPlan, WatchGroup, WatchPlan } from '../../src/wire/watch';
import { checkEmf, ExtractedDatapoint } from '../../tools/cloudwatch/emf';

/**
 * The watch's scheduled check in process, against aws-sdk-client-mock, on a virtual clock: the
 * metrics it writes for each state of a stream (checked against the EMF specification), the calls
 * it makes, its pacing and its retries of throttling within its budget, and a cross-account read.
 */

const profiles = mockClient(CustomerProfilesClient);
const sts = mockClient(STSClient);
const T0 = Date.parse('2026-12-01T00:00:00Z');
let now = T0;
let lines: string[] = [];
const sleeps: number[] = [];

const original = { ...external };
beforeEach(() => {
  profiles.reset();
  sts.reset();
  now = T0;
  lines = [];
  sleeps.length = 0;
  process.env.AWS_REGION = 'us-east-1';
  external.clock = { now: () => now, sleep: async (ms) => { sleeps.push(ms); now += ms; } };
  external.random = () => 0.5;
  external.write = (line) => lines.push(line);
});
afterAll(() => Object.assign(external, original));

const RETAIL: WatchGroup = { region: 'us-east-1', domainName: 'retail', eventStreamNames: ['orders', 'returns'] };
const plan = (...groups: WatchGroup[]): WatchPlan => ({ watch: 'Stack/Watch', rate: { requestsPerSecond: 5, burst: 10 }, groups });
const context = (remainingMs = 44_000) => ({ getRemainingTimeInMillis: () => remainingMs - (now - T0) });
const arn = (domain: string, stream: string) => `arn:aws:profile:us-east-1:123456789012:domains/${domain}/event-streams/${stream}`;
const uri = 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-orders';

function summary(name: string, state: 'RUNNING' | 'STOPPED', status: 'HEALTHY' | 'UNHEALTHY') {
  return { DomainName: 'retail', EventStreamName: name, EventStreamArn: arn('retail', name), State: state, DestinationSummary: { Uri: uri, Status: status } };
}

/** Every datapoint the check wrote, after checking each EMF line against the specification. */
function datapoints(): ExtractedDatapoint[] {
  const emf = lines.filter((l) => l.includes('"_aws"'));
  return emf.flatMap((line) => {
    const { problems, datapoints: points } = checkEmf(line);
    expect(problems).toEqual([]);
    return points;
  });
}

/** The datapoints as `Metric{dimension values}` -> value. */
function values(): Record<string, number> {
  return Object.fromEntries(datapoints().map((p) => [`${p.metricName}{${Object.values(p.dimensions).join('/')}}`, p.value]));
}

describe('metrics for each state', () => {
  test('running and healthy, stopped, unhealthy, missing: one ListEventStreams for the domain', async () => {
    profiles.on(ListEventStreamsCommand).resolves({
      Items: [summary('orders', 'RUNNING', 'HEALTHY'), summary('returns', 'STOPPED', 'UNHEALTHY'), summary('audit', 'RUNNING', 'UNHEALTHY')],
    });
    await handler(encodeWatchPlan(plan({ ...RETAIL, eventStreamNames: ['orders', 'returns', 'audit', 'archive'] })), context());
    expect(values()).toEqual({
      'Exists{retail/orders}': 1,
      'Running{retail/orders}': 1,
      'DestinationHealthy{retail/orders}': 1,
      'Exists{retail/returns}': 1,
      'Running{retail/returns}': 0,
      'DestinationHealthy{retail/returns}': 0,
      'Exists{retail/audit}': 1,
      'Running{retail/audit}': 1,
      'DestinationHealthy{retail/audit}': 0,
      // A missing stream has no state: only Exists.
      'Exists{retail/archive}': 0,
      'StreamsNotRunning{Stack/Watch}': 1,
      'DestinationsUnhealthy{Stack/Watch}': 2,
      'StreamsMissing{Stack/Watch}': 1,
      'StreamsUnread{Stack/Watch}': 0,
    });
    expect(profiles).toHaveReceivedCommandTimes(ListEventStreamsCommand, 1);
    expect(profiles).toHaveReceivedCommandWith(ListEventStreamsCommand, { DomainName: 'retail', MaxResults: 100 });
    expect(profiles).not.toHaveReceivedCommand(GetEventStreamCommand);
    const first = datapoints()[0];
    expect(first).toEqual({ namespace: 'EventStreamWatch', metricName: 'Exists', dimensions: { DomainName: 'retail', EventStreamName: 'orders' }, value: 1, timestamp: T0, unit: 'Count' });
  });

  test('the EMF document of a stream, as written', async () => {
    profiles.on(GetEventStreamCommand).resolves({ DomainName: 'retail', EventStreamArn: arn('retail', 'orders'), State: 'RUNNING', DestinationDetails: { Uri: uri, Status: 'HEALTHY' } } as any);
    await handler(encodeWatchPlan(plan({ ...RETAIL, eventStreamNames: ['orders'] })), context());
    expect(JSON.parse(lines[0])).toEqual({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [{
          Namespace: 'EventStreamWatch',
          Dimensions: [['DomainName', 'EventStreamName']],
          Metrics: [{ Name: 'Exists', Unit: 'Count' }, { Name: 'Running', Unit: 'Count' }, { Name: 'DestinationHealthy', Unit: 'Count' }],
        }],
      },
      DomainName: 'retail',
      EventStreamName: 'orders',
      Region: 'us-east-1',
      State: 'RUNNING',
      DestinationStatus: 'HEALTHY',
      Exists: 1,
      Running: 1,
      DestinationHealthy: 1,
    });
  });

  test('a domain with one watched stream: one GetEventStream; a missing one is Exists 0', async () => {
    profiles.on(GetEventStreamCommand).rejects(new ResourceNotFoundException({ message: 'no such stream', $metadata: { httpStatusCode: 404 } }));
    await handler(encodeWatchPlan(plan({ ...RETAIL, eventStreamNames: ['orders'] })), context());
    expect(profiles).toHaveReceivedCommandTimes(GetEventStreamCommand, 1);
    expect(profiles).not.toHaveReceivedCommand(ListEventStreamsCommand);
    expect(values()).toMatchObject({ 'Exists{retail/orders}': 0, 'StreamsMissing{Stack/Watch}': 1 });
  });

  test('a missing domain: every stream of it is missing', async () => {
    profiles.on(ListEventStreamsCommand).rejects(new ResourceNotFoundException({ message: 'no such domain', $metadata: { httpStatusCode: 404 } }));
    await handler(encodeWatchPlan(plan(RETAIL)), context());
    expect(values()).toMatchObject({ 'Exists{retail/orders}': 0, 'Exists{retail/returns}': 0, 'StreamsMissing{Stack/Watch}': 2 });
  });

  test('every page is read, and a listed stream without a destination summary is read with GetEventStream', async () => {
    profiles.on(ListEventStreamsCommand, { DomainName: 'retail', NextToken: undefined }).resolves({ Items: [summary('orders', 'RUNNING', 'HEALTHY')], NextToken: 'page-2' });
    profiles.on(ListEventStreamsCommand, { DomainName: 'retail', NextToken: 'page-2' }).resolves({
      Items: [{ DomainName: 'retail', EventStreamName: 'returns', EventStreamArn: arn('retail', 'returns'), State: 'STOPPED' }],
    });
    profiles.on(GetEventStreamCommand).resolves({ State: 'STOPPED', DestinationDetails: { Uri: uri, Status: 'UNHEALTHY' } } as any);
    await handler(encodeWatchPlan(plan(RETAIL)), context());
    expect(profiles).toHaveReceivedCommandTimes(ListEventStreamsCommand, 2);
    expect(profiles).toHaveReceivedCommandWith(GetEventStreamCommand, { DomainName: 'retail', EventStreamName: 'returns' });
    expect(values()).toMatchObject({ 'Running{retail/orders}': 1, 'Running{retail/returns}': 0, 'DestinationHealthy{retail/returns}': 0 });
  });
});

describe('throttling during a check', () => {
  const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

  test('calls are paced at half the account\'s rate, and throttled calls are retried with backoff until they pass', async () => {
    external.random = () => 0.999;
    profiles.on(GetEventStreamCommand)
      .rejectsOnce(throttle()).rejectsOnce(throttle()).rejectsOnce(throttle())
      .resolves({ State: 'RUNNING', DestinationDetails: { Uri: uri, Status: 'HEALTHY' } } as any);
    await handler(encodeWatchPlan(plan(
      { region: 'us-east-1', domainName: 'retail', eventStreamNames: ['orders'] },
      { region: 'us-east-1', domainName: 'wholesale', eventStreamNames: ['orders'] },
    )), context());
    // Every call, a retry too, waits for the 400 ms pace of 2.5 calls/s (half of 5/s); the third
    // retry's backoff (full jitter under 800 ms) is longer than the pace.
    expect([retryDelayMs(1, 0.999), retryDelayMs(2, 0.999), retryDelayMs(3, 0.999)]).toEqual([199, 399, 799]);
    expect(sleeps).toEqual([400, 400, 799, 400]);
    expect(profiles).toHaveReceivedCommandTimes(GetEventStreamCommand, 5);
    expect(values()).toMatchObject({ 'Running{retail/orders}': 1, 'Running{wholesale/orders}': 1, 'StreamsUnread{Stack/Watch}': 0 });
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ message: 'check done', calls: 5, throttled: 3, retries: 3, unread: 0 });
  });

  test('throttling that outlasts the budget leaves the stream unread: its metrics are not written and the invocation fails', async () => {
    profiles.on(GetEventStreamCommand, { DomainName: 'retail' }).rejects(throttle());
    profiles.on(GetEventStreamCommand, { DomainName: 'wholesale' }).resolves({ State: 'RUNNING', DestinationDetails: { Uri: uri, Status: 'HEALTHY' } } as any);
    await expect(handler(encodeWatchPlan(plan(
      { region: 'us-east-1', domainName: 'retail', eventStreamNames: ['orders'] },
      { region: 'us-east-1', domainName: 'wholesale', eventStreamNames: ['orders'] },
    )), context(30_000))).rejects.toThrow(/1 of 2 watched streams could not be read: retail\/orders \(us-east-1\): OutOfTime: the check ran out of time after \d+ throttled calls/);
    // Budget: 30 s less the 10 s margin; the first of two domains gets half of what is left after
    // keeping 8 s for the last call, and the second one is still read.
    expect(profiles.commandCalls(GetEventStreamCommand, { DomainName: 'wholesale' })).toHaveLength(1);
    expect(now - T0).toBeLessThanOrEqual(20_000 - 8_000);
    const v = values();
    expect(v['Running{retail/orders}']).toBeUndefined();
    expect(v['Running{wholesale/orders}']).toBe(1);
    // No count over the streams read: it would clear the alarms for the one unread.
    expect(v).toMatchObject({ 'StreamsUnread{Stack/Watch}': 1 });
    expect(v['StreamsNotRunning{Stack/Watch}']).toBeUndefined();
  });

  test('what is retried: throttling, 5xx, timeouts and dropped connections; not access denied', () => {
    expect(isTransient(throttle())).toBe(true);
    expect(isTransient({ name: 'X', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransient({ name: 'TimeoutError' })).toBe(true);
    expect(isTransient({ name: 'Error', code: 'ECONNRESET' })).toBe(true);
    expect(isTransient(new AccessDeniedException({ message: 'no', $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(retryDelayMs(1, 0)).toBe(100);
    expect(retryDelayMs(30, 0.999)).toBe(4995);
  });
});

describe('cross-account watch', () => {
  test('assumes the role once per check with the external ID, then reads the stream with its credentials in its region', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIDPARTNER', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(T0 + 900_000) } });
    profiles.on(GetEventStreamCommand).resolves({ State: 'RUNNING', DestinationDetails: { Uri: uri, Status: 'HEALTHY' } } as any);
    const partner = { region: 'eu-west-1', roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader', externalId: 'profiles-lookups', domainName: 'partner' };
    await handler(encodeWatchPlan(plan({ ...partner, eventStreamNames: ['orders'] }, { ...partner, domainName: 'partner-eu', eventStreamNames: ['orders'] })), context());
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: partner.roleArn, ExternalId: 'profiles-lookups', RoleSessionName: 'event-stream-watch' });
    const calls = profiles.commandCalls(GetEventStreamCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const config = (call.thisValue as CustomerProfilesClient).config;
      expect(await config.region()).toBe('eu-west-1');
      expect((await config.credentials()).accessKeyId).toBe('AKIDPARTNER');
    }
    expect(values()).toMatchObject({ 'Running{partner/orders}': 1, 'Running{partner-eu/orders}': 1 });
    // The external ID never reaches the logs.
    expect(lines.join('\n')).not.toContain('profiles-lookups');
  });

  test('a role that cannot be assumed leaves its streams unread, and the check fails naming the role', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    const partner = { region: 'us-east-1', roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader', domainName: 'partner', eventStreamNames: ['orders'] };
    await expect(handler(encodeWatchPlan(plan(partner)), context())).rejects.toThrow(/could not assume arn:aws:iam::210987654321:role\/ProfilesReader: AccessDenied/);
    expect(values()).toMatchObject({ 'StreamsUnread{Stack/Watch}': 1 });
  });
});

describe('malformed events', () => {
  test.each([
    [undefined, /Watch is missing.*Rate.*Groups is missing/],
    [{ Watch: 'W', Rate: '5/10', Groups: [{ Region: 'nowhere', DomainName: 'retail', EventStreamNames: [] }] }, /Groups\[0\]\.Region "nowhere" is invalid.*EventStreamNames must be a non-empty list/],
    [{ Watch: 'W', Rate: 'fast', Groups: [{ Region: 'us-east-1', DomainName: 'bad name', EventStreamNames: ['a'] }] }, /Rate "fast".*DomainName "bad name" is invalid/],
    [{ Watch: 'W', Rate: '5/10', Groups: [{ Region: 'us-east-1', RoleArn: 'role', DomainName: 'd', EventStreamNames: ['a'] }] }, /RoleArn "role" is invalid/],
  ])('%j is refused without a call, and the invocation fails', async (event, message) => {
    await expect(handler(event, context())).rejects.toThrow(message);
    expect(profiles.calls()).toHaveLength(0);
  });
});
