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
  partnerDomain: 'partner-profiles',
  partnerRole: 'arn:aws:iam::210987654321:role/ProfilesReader',
  partnerExternalId: 'profiles-lookups',
} as const;

/**
 * An app as a user would write it: a stack that looks up streams of a domain it does not own (one
 * gated on RUNNING and a healthy destination, one plain, one that may be missing, one in a partner
 * account through an assumed role), a consumer stack
 * that reads the destination of the first, and a stack gated on a stream that has stopped.
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
  new EventStreamLookup(lookups, 'Partner', {
    domainName: EXAMPLE.partnerDomain,
    eventStreamName: EXAMPLE.runningStream,
    roleArn: EXAMPLE.partnerRole,
    externalId: EXAMPLE.partnerExternalId,
  });
  new CfnOutput(lookups, 'ReturnsState', { value: returns.state });

  const consumer = new Stack(app, 'OrdersConsumer', { env });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  orders.destinationStream.grantRead(reader);
  // Used in the consumer, not re-exported: an output of an import is redundant (cfn-lint W6001).
  new ssm.StringParameter(consumer, 'OrdersStreamArn', { stringValue: orders.eventStreamArn });

  // This one must not deploy while the returns stream is stopped.
  const gated = new Stack(app, 'ReturnsConsumer', { env });
  const running = new EventStreamLookup(gated, 'ReturnsRunning', {
    domainName: EXAMPLE.domainName,
    eventStreamName: EXAMPLE.stoppedStream,
    requiredState: EventStreamState.RUNNING,
  });
  new CfnOutput(gated, 'ReturnsDestination', { value: running.destinationUri });
  return app;
}
