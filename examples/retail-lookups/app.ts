import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EventStreamLookup, EventStreamState, EventStreamWatch } from 'cdk-event-stream-lookup';

/**
 * Three stacks that depend on event streams of a Customer Profiles domain they do not own:
 *
 * - `ProfilesLookups` looks up four streams: one gated on RUNNING and a healthy destination at
 *   every deployment, one plain, one that may be missing, and one in a partner account through an
 *   assumed role; and watches the gated stream and the partner's after deployment (an
 *   `EventStreamWatch`: a check every 5 minutes, alarms to an SNS topic);
 * - `OrdersConsumer` grants a role read access to the first stream's destination and stores its ARN,
 *   reading both from `ProfilesLookups` (with the feature flags of `cdk.json`, as a current
 *   `cdk init` app has them, these are weak references: `Fn::GetStackOutput`);
 * - `ReturnsConsumer` must not deploy while the returns stream is stopped.
 */
const app = new App();
const env = { account: '123456789012', region: 'us-east-1' };

const lookups = new Stack(app, 'ProfilesLookups', { env });
// Checked again on every deployment: a deployment fails (and rolls back cleanly) once it stops.
const orders = new EventStreamLookup(lookups, 'Orders', {
  domainName: 'retail-profiles',
  eventStreamName: 'orders',
  requiredState: EventStreamState.RUNNING,
  requireHealthyDestination: true,
  refreshOnEveryDeployment: true,
});
const returns = new EventStreamLookup(lookups, 'Returns', {
  domainName: 'retail-profiles',
  eventStreamName: 'returns',
});
new EventStreamLookup(lookups, 'Archive', {
  domainName: 'retail-profiles',
  eventStreamName: 'archive',
  failIfMissing: false,
  waitTimeout: Duration.seconds(5),
});
const partner = new EventStreamLookup(lookups, 'Partner', {
  domainName: 'partner-profiles',
  eventStreamName: 'orders',
  roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader',
  externalId: 'profiles-lookups',
});
new CfnOutput(lookups, 'ReturnsState', { value: returns.state });
// After deployment: the gated stream and the partner's are read every 5 minutes; any alarm goes to the topic.
const watch = new EventStreamWatch(lookups, 'Watch', { streams: [orders, partner] });
watch.addAlarmAction(new cw_actions.SnsAction(new sns.Topic(lookups, 'StreamAlarms')));

const consumer = new Stack(app, 'OrdersConsumer', { env });
const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
orders.destinationStream.grantRead(reader);
new ssm.StringParameter(consumer, 'OrdersStreamArn', { stringValue: orders.eventStreamArn });

const gated = new Stack(app, 'ReturnsConsumer', { env });
const running = new EventStreamLookup(gated, 'ReturnsRunning', {
  domainName: 'retail-profiles',
  eventStreamName: 'returns',
  requiredState: EventStreamState.RUNNING,
});
new CfnOutput(gated, 'ReturnsDestination', { value: running.destinationUri });

app.synth();
