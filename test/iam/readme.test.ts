import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EventStreamLookup } from '../../src';
import { KMS_DECRYPT_ACTIONS, KMS_ENCRYPT_ACTIONS } from '../../src/destination';
import { SYNTH_TIME_ACTIONS } from '../../src/synth-time/from-lookup';
import { bootstrapLookupRole } from '../../tools/iam/aws-policies';
import { ENV, testApp } from '../fixtures/stacks';

/** The README's IAM section, checked against what the library renders and what AWS's documents say. */

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const IAM = README.slice(README.indexOf('## IAM'), README.indexOf('## Limits'));
const section = (title: string) => IAM.slice(IAM.indexOf(title), IAM.indexOf('\n### ', IAM.indexOf(title) + 1));
const backticked = (text: string) => [...text.matchAll(/`([a-z0-9-]+:[A-Za-z*]+)`/g)].map((m) => m[1]);

test("the function's role: the README names exactly the actions of its inline policy", () => {
  const app = testApp();
  const stack = new Stack(app, 'Consumer', { env: ENV });
  new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
  new EventStreamLookup(stack, 'Partner', { domainName: 'p', eventStreamName: 'o', roleArn: 'arn:aws:iam::210987654321:role/R' });
  const template = app.synth().getStackByName('Consumer').template;
  const policy = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::IAM::Policy');
  const rendered = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
  const listed = section("### The function's role").split('- whatever you add')[0];
  expect(new Set(backticked(listed))).toEqual(new Set(rendered));
});

test('the lookup role: ReadOnlyAccess from AWS\'s current document has no profile: action, but covers the other two; the README says so and names the three actions', () => {
  const role = bootstrapLookupRole(ENV.account, ENV.region);
  expect(JSON.stringify(role.policies)).not.toMatch(/"profile:/);
  const text = section('### Synth-time lookups: the CDK CLI');
  for (const action of SYNTH_TIME_ACTIONS) {
    expect(text).toContain(`\`${action}\``);
  }
  expect(text).toContain('**no `profile:` action**');
  expect(text).toContain('`EventStreamLookupRoleGrant`');
  expect(text).toContain('--exclusively');
  expect(text).toContain('customized bootstrap template');
  expect(README).not.toMatch(/cloudcontrol:/);
});

test('consumers: the README names exactly the KMS actions and the condition the grants render', () => {
  const text = section('### Consumers of the destination');
  expect(backticked(text).filter((a) => a.startsWith('kms:') && a !== 'kms:*')).toEqual([...KMS_DECRYPT_ACTIONS, ...KMS_ENCRYPT_ACTIONS]);
  expect(text).toContain('"kms:ViaService": "kinesis.REGION.amazonaws.com"');
  expect(text).toContain('`arn:PARTITION:kms:REGION:ACCOUNT:key/*`');
  expect(text).toContain('`alias/aws/kinesis`');
  const app = testApp();
  const stack = new Stack(app, 'Consumer', { env: ENV });
  const lookup = new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
  lookup.destinationStream.grantReadWrite(new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  const template = JSON.stringify(app.synth().getStackByName('Consumer').template);
  expect(template).toContain('"kms:ViaService"');
  expect(template).not.toContain('"kms:*"');
});
