import { App, DefaultStackSynthesizer, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventStreamLookupRoleGrant } from '../../src';
import { ENV } from '../fixtures/stacks';

/** The one-time grant that lets the CDK CLI's lookup role read event streams (fromLookup). */

const grantIn = (stack: Stack, props: ConstructorParameters<typeof EventStreamLookupRoleGrant>[2]) => {
  const grant = new EventStreamLookupRoleGrant(stack, 'Grant', props);
  return { grant, template: Template.fromStack(stack) };
};
const arn = (region: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:profile:${region}:${ENV.account}:${resource}`]] });

test('one policy on the default lookup role: GetEventStream on exactly the domain and its event streams', () => {
  const { grant, template } = grantIn(new Stack(new App(), 'G', { env: ENV }), { domainNames: ['retail-profiles', 'retail-profiles'] });
  expect(grant.lookupRoleName).toBe('cdk-hnb659fds-lookup-role-123456789012-us-east-1');
  template.resourceCountIs('AWS::IAM::Policy', 1);
  expect(Object.keys(template.toJSON().Resources)).toHaveLength(1);
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: ['cdk-hnb659fds-lookup-role-123456789012-us-east-1'],
    PolicyDocument: {
      Statement: [{ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: [arn('us-east-1', 'domains/retail-profiles'), arn('us-east-1', 'domains/retail-profiles/event-streams/*')] }],
    },
  });
});

test('a custom qualifier and an environment-agnostic stack: the role named by the synthesizer, resolved at deploy time', () => {
  const { template } = grantIn(new Stack(new App(), 'G', { synthesizer: new DefaultStackSynthesizer({ qualifier: 'team42' }) }), { domainNames: ['a'], regions: ['eu-west-1', 'us-east-1'] });
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ 'Fn::Sub': 'cdk-team42-lookup-role-${AWS::AccountId}-${AWS::Region}' }],
    PolicyDocument: { Statement: [Match.objectLike({ Resource: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':profile:eu-west-1:')])] })]) })] },
  });
});

test('lookupRoleName overrides the synthesizer', () => {
  const { template } = grantIn(new Stack(new App(), 'G', { env: ENV }), { domainNames: ['a'], lookupRoleName: 'my-lookup-role' });
  template.hasResourceProperties('AWS::IAM::Policy', { Roles: ['my-lookup-role'] });
});

test('refused: no domain, an invalid domain name, an invalid region, a synthesizer without a lookup role', () => {
  const stack = () => new Stack(new App(), 'G', { env: ENV });
  expect(() => grantIn(stack(), { domainNames: [] })).toThrow(/domainNames is empty/);
  expect(() => grantIn(stack(), { domainNames: ['has spaces'] })).toThrow(/invalid domainNames "has spaces"/);
  expect(() => grantIn(stack(), { domainNames: ['a'], regions: ['Virginia'] })).toThrow(/invalid region "Virginia"/);
  const legacy = new Stack(new App(), 'L', { env: ENV, synthesizer: new LegacyStackSynthesizer() });
  expect(() => grantIn(legacy, { domainNames: ['a'] })).toThrow(/names no lookup role .* pass lookupRoleName/);
});
