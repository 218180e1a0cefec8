import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EventStreamLookup, SynthTimeLookupOptions, IEventStream } from '../../src';
import { ENV } from '../fixtures/stacks';

/**
 * `EventStreamLookup.fromLookup`: the query the CDK CLI receives, the values it returns once the CLI
 * has answered (context injected here as the CLI caches it), and every error.
 */

/** The cache key of `retail-profiles|orders` in 123456789012/us-east-1, as the CLI writes it to cdk.context.json. */
const KEY =
  'cc-api-provider:account=123456789012:exactIdentifier=retail-profiles|orders:propertiesToReturn.0=EventStreamArn:propertiesToReturn.1=Uri:propertiesToReturn.2=State:propertiesToReturn.3=CreatedAt:region=us-east-1:typeName=AWS$:$:CustomerProfiles$:$:EventStream';
const ARN = 'arn:aws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/orders';
const URI = 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-orders';
/** What the CLI caches for the stream: the requested properties, and `Identifier`. */
const CACHED = [{ EventStreamArn: ARN, Uri: URI, State: 'RUNNING', CreatedAt: '2026-03-02T09:30:00Z', Identifier: 'retail-profiles|orders' }];
const ORDERS: SynthTimeLookupOptions = { domainName: 'retail-profiles', eventStreamName: 'orders' };

/** A stack in an app holding `context`; `env: null` makes it environment-agnostic. */
function stackWith(context: Record<string, unknown> = {}, env: { account?: string; region?: string } | null = ENV): Stack {
  return new Stack(new App({ context }), 'Consumer', { env: env ?? undefined });
}

describe('before the CLI has answered', () => {
  test('the assembly asks the CLI for exactly this Cloud Control query, and nothing that would cache a dummy', () => {
    const stack = stackWith();
    EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    const missing = (stack.node.root as App).synth().manifest.missing;
    expect(missing).toEqual([
      {
        key: KEY,
        provider: 'cc-api-provider',
        props: {
          account: '123456789012',
          region: 'us-east-1',
          typeName: 'AWS::CustomerProfiles::EventStream',
          exactIdentifier: 'retail-profiles|orders',
          propertiesToReturn: ['EventStreamArn', 'Uri', 'State', 'CreatedAt'],
          lookupRoleArn: 'arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-lookup-role-123456789012-us-east-1',
          dummyValue: [
            {
              EventStreamArn: ARN,
              Uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/DUMMY',
              State: 'RUNNING',
              CreatedAt: '1970-01-01T00:00:00.000Z',
              Identifier: 'retail-profiles|orders',
            },
          ],
        },
      },
    ]);
  });

  test('the values are valid-shaped dummies, so the first synth gets through to the lookup', () => {
    const stack = stackWith();
    const orders = EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    expect(orders.eventStreamArn).toBe(ARN);
    expect(orders.destinationUri).toBe('arn:aws:kinesis:us-east-1:123456789012:stream/DUMMY');
    expect(orders.state).toBe('RUNNING');
    expect(orders.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect(orders.destinationStream.streamName).toBe('DUMMY');
  });

  test('another region goes into the query (and the cache key) instead of the stack\'s', () => {
    const stack = stackWith();
    const europe = EventStreamLookup.fromLookup(stack, 'Europe', { ...ORDERS, region: 'eu-west-1' });
    const [missing] = (stack.node.root as App).synth().manifest.missing!;
    expect(missing.key).toBe(KEY.replace('region=us-east-1', 'region=eu-west-1'));
    expect(missing.props).toMatchObject({ account: '123456789012', region: 'eu-west-1', exactIdentifier: 'retail-profiles|orders' });
    expect(europe.eventStreamArn).toBe('arn:aws:profile:eu-west-1:123456789012:domains/retail-profiles/event-streams/orders');
  });

  test('the dummy ARNs carry the region\'s partition', () => {
    const stack = stackWith({}, { account: '123456789012', region: 'cn-north-1' });
    const orders = EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    expect(orders.eventStreamArn).toBe('arn:aws-cn:profile:cn-north-1:123456789012:domains/retail-profiles/event-streams/orders');
    expect(orders.destinationUri).toBe('arn:aws-cn:kinesis:cn-north-1:123456789012:stream/DUMMY');
  });

  test('a region the CDK does not know yet gets the aws partition', () => {
    const orders = EventStreamLookup.fromLookup(stackWith({}, { account: '123456789012', region: 'xx-newregion-1' }), 'Orders', ORDERS);
    expect(orders.eventStreamArn).toBe('arn:aws:profile:xx-newregion-1:123456789012:domains/retail-profiles/event-streams/orders');
  });
});

describe('once the CLI has cached the stream', () => {
  test('the attributes are the cached plain strings; createdAt is written as the deploy-time attribute is', () => {
    const stack = stackWith({ [KEY]: CACHED });
    const orders = EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    expect(orders.eventStreamArn).toBe(ARN);
    expect(orders.destinationUri).toBe(URI);
    expect(orders.state).toBe('RUNNING');
    expect(orders.createdAt).toBe('2026-03-02T09:30:00.000Z');
    expect(orders.destinationStream.streamArn).toBe(URI);
    expect(orders.destinationStream.streamName).toBe('retail-orders');
    expect((stack.node.root as App).synth().manifest.missing).toBeUndefined();
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('the template holds the literal values, and no function, custom resource or lookup of any kind', () => {
    const stack = stackWith({ [KEY]: CACHED });
    const orders = EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    orders.destinationStream.grantRead(consumer);
    new ssm.StringParameter(stack, 'Arn', { stringValue: orders.eventStreamArn });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::Parameter', { Value: ARN });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kinesis:GetRecords']), Resource: URI })]) },
    });
    // Only what the test itself added: no function, no custom resource, nothing for the lookup.
    expect(Object.values<any>(template.toJSON().Resources).map((r) => r.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::SSM::Parameter']);
  });

  test('plain strings can decide what the app builds', () => {
    const stopped = [{ ...CACHED[0], State: 'STOPPED' }];
    const stack = stackWith({ [KEY]: stopped });
    const orders = EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    expect(orders.state === 'RUNNING' ? 'consume' : 'skip').toBe('skip');
  });

  test('the lookup is a construct at scope/id, holding the imported destination', () => {
    const stack = stackWith({ [KEY]: CACHED });
    EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    expect(stack.node.findChild('Orders').node.findChild('DestinationStream')).toBeDefined();
  });
});

describe('one vocabulary for both modes', () => {
  test('a construct that takes IEventStream takes either lookup', () => {
    const stack = stackWith({ [KEY]: CACHED });
    const grantReader = (stream: IEventStream, id: string) => {
      const role = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      stream.destinationStream.grantRead(role);
      new ssm.StringParameter(stack, `${id}Arn`, { stringValue: stream.eventStreamArn });
      return [stream.eventStreamArn, stream.destinationUri, stream.state, stream.createdAt];
    };
    const synthTime = grantReader(EventStreamLookup.fromLookup(stack, 'AtSynth', ORDERS), 'SynthReader');
    const deployTime = grantReader(new EventStreamLookup(stack, 'AtDeploy', ORDERS), 'DeployReader');
    expect(synthTime).toEqual([ARN, URI, 'RUNNING', '2026-03-02T09:30:00.000Z']);
    expect(deployTime.map((v) => stack.resolve(v))).toEqual(
      ['EventStreamArn', 'Uri', 'State', 'CreatedAt'].map((name) => ({ 'Fn::GetAtt': ['AtDeployD049D3B3', name] })),
    );
  });
});

describe('refused at synth time, with the stream, the region and what to do', () => {
  test.each([
    ['domainName', 'domainName is a token'],
    ['eventStreamName', 'eventStreamName is a token'],
    ['region', 'region is a token'],
  ] as const)('a token in %s', (prop, expected) => {
    const stack = stackWith();
    const token = new CfnParameter(stack, 'P').valueAsString;
    const call = () => EventStreamLookup.fromLookup(stack, 'Orders', { ...ORDERS, [prop]: token });
    expect(call).toThrow(expected);
    expect(call).toThrow(/^EventStreamLookup\.fromLookup: cannot look up event stream '.+' in domain '.+' \(.+\) at synth time: /);
    expect(call).toThrow('Pass literal names and region, or use new EventStreamLookup(...), which looks the stream up at deploy time and accepts tokens.');
  });

  test('tokens in both names are named together', () => {
    const stack = stackWith();
    const token = new CfnParameter(stack, 'P').valueAsString;
    expect(() => EventStreamLookup.fromLookup(stack, 'Orders', { domainName: token, eventStreamName: token, region: 'eu-west-1' })).toThrow(
      "EventStreamLookup.fromLookup: cannot look up event stream '(a token)' in domain '(a token)' (eu-west-1) at synth time: domainName, eventStreamName are tokens",
    );
  });

  test('an environment-agnostic stack', () => {
    const stack = stackWith({}, null);
    expect(() => EventStreamLookup.fromLookup(stack, 'Orders', ORDERS)).toThrow(
      "EventStreamLookup.fromLookup: cannot look up event stream 'orders' in domain 'retail-profiles' (region unknown at synth time) at synth time: stack 'Consumer' is environment-agnostic (its account and region are not known at synth time), and the CDK CLI needs both to read the stream. Give the stack an explicit env:",
    );
  });

  test('a stack with a region but no account, even when the lookup names its region', () => {
    const stack = stackWith({}, { region: 'us-east-1' });
    expect(() => EventStreamLookup.fromLookup(stack, 'Orders', { ...ORDERS, region: 'eu-west-1' })).toThrow(
      "cannot look up event stream 'orders' in domain 'retail-profiles' (eu-west-1) at synth time: stack 'Consumer' is environment-agnostic",
    );
  });

  test.each([
    [{ domainName: 'has spaces' }, "cannot look up event stream 'orders' in domain 'has spaces' (us-east-1): invalid domainName \"has spaces\": expected 1-64 characters"],
    [{ eventStreamName: 'dots.are.bad' }, "cannot look up event stream 'dots.are.bad' in domain 'retail-profiles' (us-east-1): invalid eventStreamName \"dots.are.bad\""],
    [{ region: 'Virginia' }, "cannot look up event stream 'orders' in domain 'retail-profiles' (Virginia): invalid region \"Virginia\": expected a region name such as 'us-east-1'."],
  ])('invalid %p', (override, expected) => {
    expect(() => EventStreamLookup.fromLookup(stackWith(), 'Orders', { ...ORDERS, ...override })).toThrow(`EventStreamLookup.fromLookup: ${expected}`);
  });
});

describe('a malformed cached value fails synth and says to reset it', () => {
  const entry = CACHED[0];
  test.each([
    ['not an array', entry, 'expected exactly one object'],
    ['null', null, 'expected exactly one object'],
    ['no entry', [], 'expected exactly one object'],
    ['two entries', [entry, entry], 'expected exactly one object'],
    ['an array in the array', [[entry]], 'expected exactly one object'],
    ['null in the array', [null], 'expected exactly one object'],
    ['no EventStreamArn', [{ ...entry, EventStreamArn: undefined }], 'expected a non-empty string EventStreamArn'],
    ['a number for EventStreamArn', [{ ...entry, EventStreamArn: 42 }], 'expected a non-empty string EventStreamArn'],
    ['an empty Uri', [{ ...entry, Uri: '' }], 'expected a non-empty string Uri'],
    ['no State', [{ ...entry, State: undefined }], 'expected a non-empty string State'],
    ['no CreatedAt', [{ ...entry, CreatedAt: undefined }], 'expected a non-empty string CreatedAt'],
    ['a Uri that is no ARN', [{ ...entry, Uri: 'retail-orders' }], 'expected Uri to be the ARN of a Kinesis data stream'],
    ['a CreatedAt that is no time', [{ ...entry, CreatedAt: 'yesterday' }], 'expected CreatedAt to be a timestamp'],
  ])('%s', (_, value, problem) => {
    const call = () => EventStreamLookup.fromLookup(stackWith({ [KEY]: value }), 'Orders', ORDERS);
    expect(call).toThrow(
      `EventStreamLookup.fromLookup: the cached context value for event stream 'orders' in domain 'retail-profiles' (us-east-1) is malformed (${problem}): `,
    );
    expect(call).toThrow(`Run \`cdk context --reset "${KEY}"\` (or remove that entry from cdk.context.json) and synthesize again, so that the CDK CLI looks the stream up anew.`);
  });

  test('a long malformed value is cut in the message', () => {
    const call = () => EventStreamLookup.fromLookup(stackWith({ [KEY]: [{ ...entry, EventStreamArn: 7, Tags: 'x'.repeat(1000) }] }), 'Orders', ORDERS);
    expect(call).toThrow(/is malformed \(expected a non-empty string EventStreamArn\): \[\{"EventStreamArn":7,.{250,300}\.\.\.\. Run/);
  });

  test('a value of up to 300 characters is shown whole, one more is cut at 300', () => {
    const valueOf = (length: number) => [{ EventStreamArn: 7, Tags: 'x'.repeat(length - '[{"EventStreamArn":7,"Tags":""}]'.length) }];
    const messageFor = (value: unknown) => {
      try {
        EventStreamLookup.fromLookup(stackWith({ [KEY]: value }), 'Orders', ORDERS);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected the lookup to fail');
    };
    const whole = JSON.stringify(valueOf(300));
    expect(whole).toHaveLength(300);
    expect(messageFor(valueOf(300))).toContain(`: ${whole}. Run`);
    const cut = JSON.stringify(valueOf(301));
    expect(messageFor(valueOf(301))).toContain(`: ${cut.slice(0, 300)}.... Run`);
  });
});

describe('when the CLI could not read the stream', () => {
  // The CLI puts this transient value in context (and never saves it) when the lookup fails.
  const failed = {
    $providerError: 'No resource of type AWS::CustomerProfiles::EventStream with identifier: retail-profiles|orders',
    $dontSaveContext: true,
  };

  test('synth fails with an error naming the stream, the region, the account and what to do', () => {
    const stack = stackWith({ [KEY]: failed });
    EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    Annotations.fromStack(stack).hasError(
      '/Consumer/Orders',
      "EventStreamLookup.fromLookup: the CDK CLI could not read event stream 'orders' in domain 'retail-profiles' (us-east-1) in account 123456789012 through Cloud Control (AWS::CustomerProfiles::EventStream 'retail-profiles|orders'): " +
        'No resource of type AWS::CustomerProfiles::EventStream with identifier: retail-profiles|orders. ' +
        "If the stream does not exist, check the domain, the stream name and the region, or create the stream; if access was denied, let the CLI's lookup role (or your credentials) call cloudformation:GetResource (Cloud Control's IAM prefix), profile:GetEventStream and kinesis:DescribeStreamSummary. " +
        'Nothing was cached: the next synth looks the stream up again.',
    );
  });

  test('the query is still reported as missing, with nothing that would let the CLI cache a dummy', () => {
    const stack = stackWith({ [KEY]: failed });
    EventStreamLookup.fromLookup(stack, 'Orders', ORDERS);
    const [missing] = (stack.node.root as App).synth({ force: true }).manifest.missing!;
    expect(missing.key).toBe(KEY);
    expect(Object.keys(missing.props).sort()).toEqual(['account', 'dummyValue', 'exactIdentifier', 'lookupRoleArn', 'propertiesToReturn', 'region', 'typeName']);
  });
});
