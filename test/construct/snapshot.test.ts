import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describeOnBuildCdk } from '../fixtures/cdk-version';
import { addRepresentativeLookups, ENV, testApp } from '../fixtures/stacks';

/** The representative lookups, and an output that reads one of them. */
function representativeStack(): Stack {
  const stack = new Stack(testApp(), 'Consumer', { env: ENV });
  const orders = addRepresentativeLookups(stack);
  new CfnOutput(stack, 'OrdersDestination', { value: orders.destinationUri });
  return stack;
}

/** The bundle's hash changes with every handler edit; the template shape is what the snapshot guards. */
function withoutAssetHashes(template: Record<string, any>): Record<string, any> {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}\.zip/g, 'HANDLER_BUNDLE.zip'));
}

describeOnBuildCdk('template snapshot', 'the snapshot is of the build\'s aws-cdk-lib, whose templates differ in details from older releases\'', () => {
  test('representative stack', () => {
    const template = Template.fromStack(representativeStack()).toJSON();
    expect(withoutAssetHashes(template)).toMatchSnapshot();
  });
});

test('two synths of the same code give the same template, bundle hash included', () => {
  expect(Template.fromStack(representativeStack()).toJSON()).toEqual(Template.fromStack(representativeStack()).toJSON());
});
