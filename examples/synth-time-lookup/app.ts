import { Annotations, App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EventStreamLookup } from 'cdk-event-stream-lookup';

/**
 * A stack that reads an event stream it does not own at synth time: the CDK CLI looks the stream up
 * once through Cloud Control and caches it in cdk.context.json; the template holds literal values,
 * and no Lambda function or custom resource.
 */
const app = new App();
const stack = new Stack(app, 'OrdersReader', { env: { account: '123456789012', region: 'us-east-1' } });

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
