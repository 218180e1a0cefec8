import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EventStreamLookup, EventStreamState, REFRESH_CONTEXT_KEY } from '../../src';

/** The domain and streams the example looks up (the demo seeds its stand-in with them). */
export const EXAMPLE = {
  account: '123456789012',
  region: 'us-east-1',
  domainName: 'retail-profiles',
  runningStream: 'orders',
  stoppedStream: 'returns',
} as const;

/**
 * An app as a user would write it: a stack that looks up two streams of a domain it does not own,
 * one plainly and one gated on RUNNING, and a consumer stack that reads the destination.
 */
export function exampleApp(outdir?: string): App {
  const app = new App({ outdir, context: { [REFRESH_CONTEXT_KEY]: 'demo' } });
  const env = { account: EXAMPLE.account, region: EXAMPLE.region };
  const lookups = new Stack(app, 'ProfilesLookups', { env });

  const orders = new EventStreamLookup(lookups, 'Orders', {
    domainName: EXAMPLE.domainName,
    eventStreamName: EXAMPLE.runningStream,
    requiredState: EventStreamState.RUNNING,
    requireHealthyDestination: true,
  });
  const returns = new EventStreamLookup(lookups, 'Returns', {
    domainName: EXAMPLE.domainName,
    eventStreamName: EXAMPLE.stoppedStream,
  });
  new EventStreamLookup(lookups, 'Archive', {
    domainName: EXAMPLE.domainName,
    eventStreamName: 'archive',
    failIfMissing: false,
    waitTimeout: Duration.seconds(5),
  });
  new CfnOutput(lookups, 'ReturnsState', { value: returns.state });

  const consumer = new Stack(app, 'OrdersConsumer', { env });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  orders.destinationStream.grantRead(reader);
  // Used in the consumer, not re-exported: an output of an import is redundant (cfn-lint W6001).
  new ssm.StringParameter(consumer, 'OrdersStreamArn', { stringValue: orders.eventStreamArn });
  return app;
}
