import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { planWatchPolicy } from './policy';
import { acknowledgePatterns, VPC_MANAGED_POLICY } from '../provider/acknowledgements';
import { tracingEnabled } from '../provider/configuration';
import { profileArns } from '../provider/policy';
import { EventStreamLookupProviderProps } from '../provider/props';
import { allowLogsToUseKey, NODEJS_24 } from '../provider/provider';
import { WatchPlan, watchTimeoutSeconds } from '../wire/watch';

/** Where the build (`npx projen bundle`) leaves the esbuild bundle of `lambda/watch/index.ts`. */
const WATCH_ASSET = path.join(__dirname, '..', '..', 'assets', 'lambda', 'watch', 'index');

/** The watch's check function and what it runs with, built as children of the watch. */
export interface CheckFunction {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly policy: iam.CfnPolicy;
  readonly logGroup: logs.ILogGroup;
  readonly tracingPolicy?: iam.CfnPolicy;
}

/**
 * Builds the scheduled check: its role and least-privilege policy, its log group, and the function,
 * placed and traced as the stack's provider configuration (`config`) says.
 */
export function buildCheckFunction(
  watch: Construct, watchName: string, interval: Duration, config: EventStreamLookupProviderProps, plan: WatchPlan,
): CheckFunction {
  if (!fs.existsSync(path.join(WATCH_ASSET, 'index.js'))) {
    throw new Error(`EventStreamWatch: the bundled watch handler is missing at ${WATCH_ASSET}; run "npx projen bundle".`);
  }
  const role = new iam.Role(watch, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Runs the EventStreamWatch check: reads the watched Customer Profiles event streams, writes its own logs.',
  });
  const logGroup = config.logGroup ?? ownLogGroup(watch, config);
  const tracing = tracingEnabled(config);
  const fn = new lambda.Function(watch, 'Check', {
    description: `EventStreamWatch ${watchName}: reads the watched event streams and writes their metrics (EMF)`,
    runtime: NODEJS_24,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(WATCH_ASSET),
    memorySize: 256,
    timeout: Duration.seconds(watchTimeoutSeconds(plan.groups, plan.rate, interval.toSeconds())),
    role: iam.Role.fromRoleArn(watch, 'CheckRole', role.roleArn, { mutable: false }),
    logGroup,
    tracing: tracing ? config.tracing : undefined,
    // A failed check is reported by the check alarm and the next one comes anyway: no retries.
    retryAttempts: 0,
    ...vpcPlacement(watch, role, config),
  });

  const planned = planWatchPolicy(plan, profileArns(Stack.of(watch)), logGroup.logGroupArn, tracing);
  const policy = new iam.CfnPolicy(watch, 'Policy', {
    policyName: 'EventStreamWatch',
    roles: [role.roleName],
    policyDocument: { Version: '2012-10-17', Statement: planned.statements },
  });
  // The function must not run before it may read and log.
  fn.node.addDependency(policy);
  const tracingPolicy = tracing ? new iam.CfnPolicy(watch, 'TracingPolicy', {
    policyName: 'EventStreamWatchTracing',
    roles: [role.roleName],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
    },
  }) : undefined;
  watch.node.addValidation({ validate: () => (acknowledgePatterns(policy, planned.getEventStream), []) });
  return { fn, role, policy, logGroup, tracingPolicy };
}

function ownLogGroup(watch: Construct, config: EventStreamLookupProviderProps): logs.LogGroup {
  if (config.logEncryptionKey) {
    allowLogsToUseKey(watch, config.logEncryptionKey);
  }
  return new logs.LogGroup(watch, 'Logs', {
    retention: config.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: config.logRemovalPolicy,
    encryptionKey: config.logEncryptionKey,
  });
}

/** The provider's VPC placement: its subnets, and its security groups or an HTTPS-only one of the watch's own. */
function vpcPlacement(watch: Construct, role: iam.Role, config: EventStreamLookupProviderProps): Partial<lambda.FunctionProps> {
  const vpc = config.vpc;
  if (!vpc) {
    return {};
  }
  role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${VPC_MANAGED_POLICY}`));
  let groups = config.securityGroups;
  if (!groups || groups.length === 0) {
    const group = new ec2.SecurityGroup(watch, 'SecurityGroup', {
      vpc,
      description: 'EventStreamWatch check: outbound HTTPS only',
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Customer Profiles and STS');
    groups = [group];
  }
  return { vpc, vpcSubnets: config.vpcSubnets, securityGroups: groups };
}
