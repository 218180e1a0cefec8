import { judge, PHYSICAL_RESOURCE_ID_LIMIT, RESPONSE_BYTE_LIMIT } from '../../tools/rehearsal/cloudformation-judge';

/**
 * The rules the rehearsal applies to a custom resource's response, as CloudFormation applies them.
 * The end-to-end tests only see well-behaved handlers, so each rule is pinned here on its own.
 */

const event = { StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1', RequestId: 'req-1', LogicalResourceId: 'Lookup' };
const response = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    Status: 'SUCCESS',
    Reason: 'ok',
    PhysicalResourceId: 'domain|stream',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { State: 'RUNNING' },
    ...overrides,
  });

test('no response leaves CloudFormation waiting until ServiceTimeout', () => {
  expect(judge(event, [])).toEqual({ status: 'NO RESPONSE', reason: 'no response: CloudFormation would wait until ServiceTimeout' });
});

test('a valid SUCCESS gives its id, reason, data and size', () => {
  const body = response();
  expect(judge(event, [body])).toEqual({
    status: 'SUCCESS',
    reason: 'ok',
    physicalResourceId: 'domain|stream',
    data: { State: 'RUNNING' },
    bodyBytes: Buffer.byteLength(body),
  });
});

test('a valid FAILED is a FAILED, and a missing Reason reads as empty', () => {
  const verdict = judge(event, [response({ Status: 'FAILED', Reason: undefined, Data: undefined })]);
  expect(verdict).toMatchObject({ status: 'FAILED', reason: '', physicalResourceId: 'domain|stream' });
  expect(verdict.data).toBeUndefined();
});

test('only the first response counts', () => {
  expect(judge(event, [response(), 'not json']).status).toBe('SUCCESS');
  expect(judge(event, ['not json', response()]).status).toBe('INVALID');
});

test('a body that is not JSON is rejected, with its size', () => {
  expect(judge(event, ['{'])).toEqual({ status: 'INVALID', reason: 'Invalid response: not JSON', bodyBytes: 1 });
});

describe('the body must stay under 4096 bytes', () => {
  const sized = (bytes: number) => {
    const base = response({ Reason: '' });
    const body = response({ Reason: 'x'.repeat(bytes - Buffer.byteLength(base)) });
    expect(Buffer.byteLength(body)).toBe(bytes);
    return body;
  };

  test('4095 bytes is accepted', () => {
    expect(judge(event, [sized(RESPONSE_BYTE_LIMIT - 1)]).status).toBe('SUCCESS');
  });

  test('4096 bytes is rejected', () => {
    expect(judge(event, [sized(RESPONSE_BYTE_LIMIT)])).toMatchObject({ status: 'INVALID', reason: 'Invalid response: Response object is too long (4096 bytes)' });
  });

  test('bytes, not characters, are counted', () => {
    const body = response({ Reason: 'é'.repeat(2100) });
    expect(body.length).toBeLessThan(RESPONSE_BYTE_LIMIT);
    expect(judge(event, [body]).status).toBe('INVALID');
  });
});

test.each([
  ['missing', undefined],
  ['lower case', 'success'],
  ['another word', 'PENDING'],
])('a Status that is %s is rejected', (_, status) => {
  expect(judge(event, [response({ Status: status })]).reason).toBe(`Invalid response: invalid Status ${JSON.stringify(status)}`);
});

describe('PhysicalResourceId', () => {
  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 42],
    ['over 1 KB', 'x'.repeat(PHYSICAL_RESOURCE_ID_LIMIT + 1)],
  ])('%s is rejected', (_, id) => {
    expect(judge(event, [response({ PhysicalResourceId: id })])).toMatchObject({ status: 'INVALID', reason: 'Invalid response: invalid PhysicalResourceId' });
  });

  test('exactly 1 KB is accepted', () => {
    expect(judge(event, [response({ PhysicalResourceId: 'x'.repeat(PHYSICAL_RESOURCE_ID_LIMIT) })]).status).toBe('SUCCESS');
  });

  test('is required on a FAILED too', () => {
    expect(judge(event, [response({ Status: 'FAILED', PhysicalResourceId: undefined })]).status).toBe('INVALID');
  });
});

test.each(['StackId', 'RequestId', 'LogicalResourceId'])('a response must echo the event\'s %s', (field) => {
  expect(judge(event, [response({ [field]: 'other' })]).reason).toBe(`Invalid response: ${field} does not match`);
});

describe('Data', () => {
  test.each([
    ['a string', 'RUNNING'],
    ['a number among its values', { State: 'RUNNING', Count: 1 }],
    ['a nested object among its values', { Destination: { Uri: 'u' } }],
    ['null', null],
  ])('holding %s is rejected', (_, data) => {
    expect(judge(event, [response({ Data: data })]).reason).toBe('Invalid response: Data must map names to strings');
  });

  test('may be absent or empty', () => {
    expect(judge(event, [response({ Data: undefined })]).status).toBe('SUCCESS');
    expect(judge(event, [response({ Data: {} })]).status).toBe('SUCCESS');
  });
});

test('every problem is reported at once, in a fixed order', () => {
  const body = JSON.stringify({ Status: 'OK', Data: 'x' });
  expect(judge(event, [body]).reason).toBe(
    'Invalid response: invalid Status "OK"; invalid PhysicalResourceId; StackId does not match; RequestId does not match; ' +
      'LogicalResourceId does not match; Data must map names to strings',
  );
});
