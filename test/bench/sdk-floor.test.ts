import { handler } from '../../tools/bench/sdk-floor';
import { CustomerProfilesStandIn } from '../../tools/stand-ins/customer-profiles';
import { ResponseReceiver } from '../../tools/stand-ins/response-receiver';
import { TEST_CREDENTIALS } from '../../tools/stand-ins/sigv4';

/** The bench's floor (tools/bench/sdk-floor.ts) makes the handler's real call and PUT, or its figure means nothing. */

const ENV_KEYS = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_CUSTOMER_PROFILES'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let standIn: CustomerProfilesStandIn;
let receiver: ResponseReceiver;

beforeAll(async () => {
  standIn = await CustomerProfilesStandIn.start();
  receiver = await ResponseReceiver.start({ tls: false });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL_CUSTOMER_PROFILES: standIn.endpoint,
  });
});
afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await receiver.stop();
  await standIn.stop();
});

test('one signed GetEventStream, then one SUCCESS with the stream\'s ARN', async () => {
  standIn.putStream('retail-profiles', 'orders', {
    createdAt: new Date('2026-01-15T10:00:00Z'),
    state: 'RUNNING',
    destination: { uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-orders', status: 'HEALTHY' },
  });
  const url = receiver.issueUrl();
  await handler({
    ResponseURL: url,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Bench/1',
    RequestId: 'r-1',
    LogicalResourceId: 'Orders',
    ResourceProperties: { DomainName: 'retail-profiles', EventStreamName: 'orders' },
  });
  const requests = standIn.requestsFor('retail-profiles', 'orders');
  expect(requests).toHaveLength(1);
  expect(requests[0].signingProblem).toBeUndefined();
  const [response] = receiver.responsesFor(url);
  expect(response.json).toMatchObject({
    Status: 'SUCCESS',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Bench/1',
    RequestId: 'r-1',
    LogicalResourceId: 'Orders',
    Data: { EventStreamArn: expect.stringMatching(/^arn:aws:profile:us-east-1:\d{12}:domains\/retail-profiles\/event-streams\/orders$/) },
  });
});
