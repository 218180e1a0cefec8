import { InvalidRequestError, parseSpec, readEnvelope } from '../../lambda/request';
import { MAX_WAIT_SECONDS } from '../../src/wire/timing';

/**
 * Parsing the CloudFormation event, pure: the envelope tolerates any shape, and the properties are
 * validated strictly, each problem named with what was expected.
 */

const NAMES = { DomainName: 'retail-profiles', EventStreamName: 'orders' };

/** The message of the InvalidRequestError that parseSpec throws for these properties. */
function problemsOf(properties: Record<string, unknown>): string {
  try {
    parseSpec({ ...NAMES, ...properties }, 'us-east-1');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as Error).message;
  }
  throw new Error(`parseSpec accepted ${JSON.stringify(properties)}`);
}

describe('readEnvelope', () => {
  test('reads every field', () => {
    expect(readEnvelope({
      RequestType: 'Update',
      ResponseURL: 'https://example.com/r',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'Lookup',
      PhysicalResourceId: 'arn:aws:profile:eu-west-1:123456789012:domains/d/event-streams/s',
      ResourceProperties: NAMES,
    })).toEqual({
      requestType: 'Update',
      responseUrl: 'https://example.com/r',
      stackId: 'stack',
      requestId: 'req',
      logicalResourceId: 'Lookup',
      physicalResourceId: 'arn:aws:profile:eu-west-1:123456789012:domains/d/event-streams/s',
      resourceProperties: NAMES,
    });
  });

  test.each([[''], [42], [null], [undefined]])('a ResponseURL or PhysicalResourceId of %p is absent', (value) => {
    const envelope = readEnvelope({ ResponseURL: value, PhysicalResourceId: value });
    expect(envelope.responseUrl).toBeUndefined();
    expect(envelope.physicalResourceId).toBeUndefined();
  });

  test('garbage becomes empty fields', () => {
    expect(readEnvelope('text')).toEqual({ requestType: '', stackId: '', requestId: '', logicalResourceId: '' });
  });
});

describe('parseSpec', () => {
  test('its error is an InvalidRequestError by name too (the handler logs and answers it as such)', () => {
    expect(new InvalidRequestError('x').name).toBe('InvalidRequestError');
    expect(() => parseSpec({}, 'us-east-1')).toThrow(expect.objectContaining({ name: 'InvalidRequestError' }));
  });

  test('an empty optional property is absent: defaults apply', () => {
    expect(parseSpec({
      ...NAMES,
      Region: '',
      RoleArn: '',
      ExternalId: '',
      RequiredState: '',
      RequireHealthyDestination: '',
      FailIfMissing: '',
      WaitTimeoutSeconds: '',
    }, 'ap-southeast-2')).toEqual({
      ...{ domainName: 'retail-profiles', eventStreamName: 'orders', region: 'ap-southeast-2' },
      roleArn: undefined,
      externalId: undefined,
      requiredState: undefined,
      requireHealthyDestination: false,
      waitSeconds: 0,
      failIfMissing: true,
    });
  });

  test.each([
    ['WaitTimeoutSeconds', 5],
    ['RequireHealthyDestination', true],
    ['FailIfMissing', false],
    ['Region', ['us-east-1']],
  ])('%s must be a string: %p is invalid', (key, value) => {
    expect(problemsOf({ [key]: value })).toContain(`${key} ${JSON.stringify(value)} is invalid`);
  });

  test.each([['xtrue'], ['truex'], ['false '], [' false'], ['TRUE']])('a flag is exactly true or false: %p is invalid', (value) => {
    expect(problemsOf({ RequireHealthyDestination: value })).toContain(`RequireHealthyDestination "${value}" is invalid: expected 'true' or 'false'`);
  });

  test('each invalid property says what was expected', () => {
    expect(problemsOf({ Region: 'mars' })).toContain('Region "mars" is invalid: expected a region name such as \'us-east-1\'');
    expect(problemsOf({ ExternalId: 'a b' })).toContain('ExternalId "a b" is invalid: expected 2-1224 characters of letters, digits and +=,.@:/-');
    expect(problemsOf({ WaitTimeoutSeconds: '1.5' })).toContain(`WaitTimeoutSeconds "1.5" is invalid: expected whole seconds from 0 to ${MAX_WAIT_SECONDS}`);
  });

  test.each([['12x'], ['x12'], ['12 '], ['12345']])('WaitTimeoutSeconds is whole seconds only: %p is invalid', (value) => {
    expect(problemsOf({ WaitTimeoutSeconds: value })).toContain(`WaitTimeoutSeconds "${value}" is invalid`);
  });

  test(`WaitTimeoutSeconds may be ${MAX_WAIT_SECONDS}, not more`, () => {
    expect(parseSpec({ ...NAMES, WaitTimeoutSeconds: String(MAX_WAIT_SECONDS) }, 'us-east-1').waitSeconds).toBe(MAX_WAIT_SECONDS);
    expect(problemsOf({ WaitTimeoutSeconds: String(MAX_WAIT_SECONDS + 1) })).toContain(
      `WaitTimeoutSeconds ${MAX_WAIT_SECONDS + 1} is above the maximum of ${MAX_WAIT_SECONDS}`,
    );
  });

  test('a value is quoted whole up to 80 characters, and cut beyond', () => {
    const fits = 'x'.repeat(78); // 80 characters as JSON
    expect(problemsOf({ DomainName: fits })).toContain(`DomainName "${fits}" is not a valid name`);
    const long = 'x'.repeat(79);
    expect(problemsOf({ DomainName: long })).toContain(`DomainName "${'x'.repeat(76)}... is not a valid name`);
  });
});
