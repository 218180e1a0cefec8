import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudFormationStandIn } from '../../tools/stand-ins/cloudformation';
import { TEST_CREDENTIALS } from '../../tools/stand-ins/sigv4';

/** The CloudFormation stand-in is only useful if the real SDK client cannot tell it from the service. */

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Consumer/5b6ef7a0-0000-11ef-8000-0a1b2c3d4e5f';
let standIn: CloudFormationStandIn;
const client = (overrides: Record<string, unknown> = {}) =>
  new CloudFormationClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
const describe_ = (StackName = STACK_ID, c = client()) => c.send(new DescribeStacksCommand({ StackName }));
const errorOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CloudFormationServiceException);
  return error as CloudFormationServiceException;
};

beforeAll(async () => {
  standIn = await CloudFormationStandIn.start();
});
afterAll(async () => standIn.stop());

test('DescribeStacks by stack id or by name: the typed output with the status the rehearsal set', async () => {
  standIn.setStatus(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
  for (const name of [STACK_ID, 'Consumer']) {
    const { Stacks } = await describe_(name);
    expect(Stacks).toHaveLength(1);
    expect(Stacks![0]).toMatchObject({ StackName: 'Consumer', StackId: STACK_ID, StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', DisableRollback: false });
    expect(Stacks![0].CreationTime).toBeInstanceOf(Date);
  }
});

test('an unknown stack is a ValidationError (400), as CloudFormation answers it', async () => {
  const error = await errorOf(describe_('arn:aws:cloudformation:us-east-1:123456789012:stack/Nope/1'));
  expect(error.name).toBe('ValidationError');
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(error.message).toBe('Stack with id arn:aws:cloudformation:us-east-1:123456789012:stack/Nope/1 does not exist');
});

test.each([
  ['Throttling', 400, 'Rate exceeded'],
  ['AccessDenied', 403, 'User is not authorized to perform: cloudformation:DescribeStacks'],
  ['InternalFailure', 500, 'We encountered an internal error. Please try again.'],
] as const)('scripted %s comes out as that error, status %i', async (code, status, message) => {
  standIn.setStatus(STACK_ID, 'UPDATE_IN_PROGRESS').failNext(code);
  const error = await errorOf(describe_());
  expect({ name: error.name, status: error.$metadata.httpStatusCode, message: error.message }).toEqual({ name: code, status, message });
});

test('the SDK retries a scripted Throttling and then gets the status', async () => {
  standIn.setStatus(STACK_ID, 'UPDATE_IN_PROGRESS').failNext('Throttling');
  const { Stacks } = await describe_(STACK_ID, client({ maxAttempts: 3 }));
  expect(Stacks![0].StackStatus).toBe('UPDATE_IN_PROGRESS');
});

test('only the function\'s own credentials are accepted; a bad signature is refused', async () => {
  const stranger = client({ credentials: { accessKeyId: 'ASIAOTHERACCOUNT0001', secretAccessKey: 'x', sessionToken: 't' } });
  expect((await errorOf(describe_(STACK_ID, stranger))).name).toBe('InvalidClientTokenId');
  const forged = client({ credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' } });
  expect((await errorOf(describe_(STACK_ID, forged))).name).toBe('SignatureDoesNotMatch');
  expect(standIn.calls.slice(-2).map((c) => c.outcome)).toEqual(['InvalidClientTokenId', 'SignatureDoesNotMatch']);
});
