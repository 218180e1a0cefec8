/**
 * Integration test: a real Customer Profiles event stream, looked up from another stack.
 *
 * - `EventStreamLookupIntegOwner` creates a Kinesis data stream, a Customer Profiles domain and an
 *   event stream that delivers to the Kinesis stream (the native `CfnEventStream`).
 * - `EventStreamLookupIntegConsumer` looks that stream up with `EventStreamLookup`, gated on
 *   `RUNNING` and waiting for it.
 * - The assertions compare the lookup's attributes with the native resource's and with what
 *   `GetEventStream` answers.
 *
 * The build synthesizes it offline and compares the result with the committed snapshot,
 * `integ.event-stream-lookup.ts.snapshot/` (test/integ-snapshot.test.ts; `npx projen integ:snapshot`
 * rewrites it). docs/integration-test.md says how to deploy it to a real account.
 */
import { ActualResult, ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as customerprofiles from 'aws-cdk-lib/aws-customerprofiles';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { EventStreamLookup, EventStreamState } from '../src';

const DOMAIN_NAME = 'event-stream-lookup-integ';
const EVENT_STREAM_NAME = 'integ-orders';

// No stack traces in the metadata: they hold this checkout's absolute paths, the snapshot must not.
const app = new App({
  stackTraces: false,
  context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true },
});

// Stack 1: the stream the lookup reads, owned natively.
const owner = new Stack(app, 'EventStreamLookupIntegOwner');
const destination = new kinesis.Stream(owner, 'Destination', {
  shardCount: 1,
  removalPolicy: RemovalPolicy.DESTROY,
});
const domain = new customerprofiles.CfnDomain(owner, 'Domain', {
  domainName: DOMAIN_NAME,
  defaultExpirationDays: 1,
});
const eventStream = new customerprofiles.CfnEventStream(owner, 'EventStream', {
  domainName: DOMAIN_NAME,
  eventStreamName: EVENT_STREAM_NAME,
  uri: destination.streamArn,
});
eventStream.addResourceDependency(domain);

// Stack 2: the lookup, by name, as a stack that does not own the stream would do it.
const consumer = new Stack(app, 'EventStreamLookupIntegConsumer');
consumer.addStackDependency(owner);
const lookup = new EventStreamLookup(consumer, 'Lookup', {
  domainName: DOMAIN_NAME,
  eventStreamName: EVENT_STREAM_NAME,
  requiredState: EventStreamState.RUNNING,
  waitTimeout: Duration.minutes(5),
});

const integ = new IntegTest(app, 'EventStreamLookupInteg', {
  testCases: [owner, consumer],
  // The update workflow would first deploy the previous snapshot; a new stream has nothing to update.
  stackUpdateWorkflow: false,
});

// The lookup's attributes are the native resource's.
const lookupResource = lookup.node.defaultChild as CustomResource;
const expectations: Array<[id: string, expected: string, attribute: string]> = [
  ['EventStreamArnMatchesNative', eventStream.attrEventStreamArn, 'EventStreamArn'],
  ['StateMatchesNative', eventStream.attrState, 'State'],
  ['DestinationIsTheKinesisStream', destination.streamArn, 'Uri'],
  ['StreamExists', 'true', 'Exists'],
];
for (const [id, expected, attribute] of expectations) {
  integ.assertions.expect(id, ExpectedResult.exact(expected), ActualResult.fromCustomResource(lookupResource, attribute));
}

// And they are what GetEventStream answers.
integ.assertions
  .awsApiCall('CustomerProfiles', 'GetEventStream', {
    DomainName: DOMAIN_NAME,
    EventStreamName: EVENT_STREAM_NAME,
  })
  .expect(
    ExpectedResult.objectLike({
      DomainName: DOMAIN_NAME,
      EventStreamArn: lookup.eventStreamArn,
      State: EventStreamState.RUNNING,
      DestinationDetails: {
        Uri: lookup.destinationUri,
        Status: lookup.destinationStatus,
      },
    }),
  );

app.synth();
