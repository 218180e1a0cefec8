import { Annotations, App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EventStreamLookup, EventStreamLookupRoleGrant } from 'cdk-event-stream-lookup';

/**
 * A stack that reads an event stream it does not own at synth time: the CDK CLI looks the stream up
 * once through Cloud Control and caches it in cdk.context.json; the template holds literal values,
 * and no Lambda function or custom resource.
 */
const app = new App();
const env = { account: '123456789012', region: 'us-east-1' };

// Once per account and region, deployed alone before the first synth-time lookup
// (`cdk deploy EventStreamLookupGrant --exclusively`): lets the CDK CLI's bootstrap lookup role call
// profile:GetEventStream on this domain, which AWS's ReadOnlyAccess does not.
const grantStack = new Stack(app, 'EventStreamLookupGrant', { env });
new EventStreamLookupRoleGrant(grantStack, 'Grant', { domainNames: ['retail-profiles'] });

const stack = new Stack(app, 'OrdersReader', { env });

const orders = EventStreamLookup.fromLookup(stack, 'Orders', {
  domainName: 'retail-profiles',
  eventStreamName: 'orders',
});

// Plain strings at synth time: usable in conditions, names and exact ARNs.
if (orders.state !== 'RUNNING') {
  Annotations.of(stack).addWarningV2('retail:orders-stopped', `The orders event stream was ${orders.state} when it was looked up.`);
}

const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
orders.destinationStream.grantRead(consumer);
new ssm.StringParameter(stack, 'OrdersStreamArn', { stringValue: orders.eventStreamArn });
new CfnOutput(stack, 'OrdersDestination', { value: orders.destinationUri });

app.synth();
