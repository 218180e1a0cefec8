import { renderPolicyDocument } from '../../src/provider/policy';

/** The provider's policy document as the pure planner renders it, statement by statement. */

const base = {
  logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:lookups',
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Consumer/1',
  assumedRoles: [] as string[],
  statements: [] as unknown[],
  tracing: false,
  plan: { arns: [] as string[], level: 'exact' as const },
};

test('with nothing to read: its own logs and its own stack\'s status, nothing else', () => {
  expect(renderPolicyDocument(base)).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: base.logGroupArn },
      { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: base.stackId },
    ],
  });
});

test('GetEventStream on the planned ARNs, AssumeRole on the roles, then the statements added through the role, in that order', () => {
  const arns = ['arn:aws:profile:us-east-1:123456789012:domains/d', 'arn:aws:profile:us-east-1:123456789012:domains/d/event-streams/s'];
  const added = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/k' };
  const document = renderPolicyDocument({
    ...base,
    plan: { arns, level: 'exact' },
    assumedRoles: ['arn:aws:iam::210987654321:role/Reader'],
    statements: [added],
  }) as { Statement: unknown[] };
  expect(document.Statement).toEqual([
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: base.logGroupArn },
    { Effect: 'Allow', Action: 'profile:GetEventStream', Resource: arns },
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:aws:iam::210987654321:role/Reader'] },
    { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: base.stackId },
    added,
  ]);
});
