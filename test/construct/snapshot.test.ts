import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventStreamLookup, EventStreamState } from '../../src';
import { ENV, testApp } from '../fixtures/stacks';

/** A representative consumer: a plain lookup, a gated one that waits, a cross-region one, a cross-account one. */
function representativeStack(): Stack {
  const stack = new Stack(testApp(), 'Consumer', { env: ENV });
  const orders = new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
  new EventStreamLookup(stack, 'Returns', {
    domainName: 'retail-profiles',
    eventStreamName: 'returns',
    requiredState: EventStreamState.RUNNING,
    requireHealthyDestination: true,
    waitTimeout: Duration.minutes(5),
    refreshOnEveryDeployment: true,
  });
  new EventStreamLookup(stack, 'Europe', { domainName: 'eu-profiles', eventStreamName: 'orders', region: 'eu-west-1' });
  new EventStreamLookup(stack, 'Partner', {
    domainName: 'partner-profiles',
    eventStreamName: 'orders',
    roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader',
    externalId: 'consumer-stack',
    failIfMissing: false,
  });
  new CfnOutput(stack, 'OrdersDestination', { value: orders.destinationUri });
  return stack;
}

/** The bundle's hash changes with every handler edit; the template shape is what the snapshot guards. */
function withoutAssetHashes(template: Record<string, any>): Record<string, any> {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}\.zip/g, 'HANDLER_BUNDLE.zip'));
}

test('representative stack', () => {
  const template = Template.fromStack(representativeStack()).toJSON();
  expect(withoutAssetHashes(template)).toMatchSnapshot();
});

test('two synths of the same code give the same template, bundle hash included', () => {
  expect(Template.fromStack(representativeStack()).toJSON()).toEqual(Template.fromStack(representativeStack()).toJSON());
});
