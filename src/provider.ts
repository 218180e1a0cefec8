import * as fs from 'fs';
import * as path from 'path';
import { Annotations, ArnFormat, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import { API_RATE_CONTEXT_KEY, budgetWarning, functionTimeoutSeconds, parseApiRate, renderStormPlan, STORM_PLAN_ENV, StormPlan } from './budget';
import { REFRESH_CONTEXT_KEY } from './contract';
import { ArnFactory, estimateLength, planResources, ResourcePlan, StreamTarget } from './permissions';

/** Where the build (`npx projen bundle`) leaves the esbuild bundle of `lambda/index.ts`. */
const HANDLER_ASSET = path.join(__dirname, '..', 'assets', 'lambda', 'index');

/** Construct id of the per-stack singleton. Changing it replaces every user's provider. */
const PROVIDER_ID = 'EventStreamLookupProvider';


/** IAM's limit for all inline policies of one role, whitespace excluded. */
const ROLE_POLICY_LIMIT = 10_240;
/**
 * Room kept for everything but the GetEventStream resources: the log statement, the DescribeStacks
 * statement on the stack's own ARN (a 128-character stack name at most), keys, the version.
 */
const POLICY_RESERVE = 1_600;

/** What a lookup tells the provider at construction time. */
export interface LookupRegistration {
  /** Stream to read, in the region it lives in. */
  readonly target: StreamTarget;
  /** Role the handler assumes for this lookup; when set, the provider grants only `sts:AssumeRole`. */
  readonly roleArn?: string;
  /** Seconds this lookup may wait; sizes the shared function's timeout. */
  readonly waitSeconds: number;
}

/**
 * The one function, role, log group and policy that serve every EventStreamLookup of a stack.
 *
 * Lookups register with it; its timeout and its policy are rendered lazily at synth time, from
 * all registrations, so one provider fits the longest wait and every stream the stack reads.
 */
export class EventStreamLookupProvider extends Construct {
  /** Returns the stack's provider, creating it on first use. */
  public static of(scope: Construct): EventStreamLookupProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof EventStreamLookupProvider ? existing : new EventStreamLookupProvider(stack, PROVIDER_ID);
  }

  /** ARN of the handler function, the `ServiceToken` of every lookup. */
  public readonly serviceToken: string;
  /** What a lookup must depend on so that permissions outlive it (Delete still runs with them). */
  public readonly permissions: IDependable;
  /** The handler function. */
  public readonly function: lambda.Function;

  private readonly registrations: LookupRegistration[] = [];
  private refreshTokenValue?: string;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    if (!fs.existsSync(path.join(HANDLER_ASSET, 'index.js'))) {
      throw new Error(`EventStreamLookup: the bundled handler is missing at ${HANDLER_ASSET}; run "npx projen bundle".`);
    }

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the EventStreamLookup handler: reads Customer Profiles event streams, writes its own logs.',
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });

    this.function = new lambda.Function(this, 'Handler', {
      description: 'EventStreamLookup: answers CloudFormation with the facts of Customer Profiles event streams',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      memorySize: 256,
      timeout: Duration.seconds(Lazy.number({ produce: () => this.functionTimeoutSeconds() })),
      // The policy below is the role's only one, so the function gets the role by reference:
      // given the role construct, Lambda also renders a `DependsOn` that repeats its `Fn::GetAtt`
      // (cfn-lint W3005).
      role: iam.Role.fromRoleArn(this, 'HandlerRole', role.roleArn, { mutable: false }),
      logGroup,
    });
    // How many lookups may call at once, and the planned rate: the handler spreads its first call
    // and bounds its retries with them (src/budget.ts).
    this.function.addEnvironment(STORM_PLAN_ENV, Lazy.string({ produce: () => renderStormPlan(this.stormPlan()) }));

    const policy = new iam.CfnPolicy(this, 'Policy', {
      policyName: 'EventStreamLookup',
      roles: [role.roleName],
      policyDocument: Lazy.any({ produce: () => this.renderPolicy(logGroup.logGroupArn) }),
    });

    this.serviceToken = this.function.functionArn;
    this.permissions = policy;
    // Rules such as cdk-nag's AwsSolutions-IAM5 flag every wildcard resource. The compacted
    // patterns are the documented way to stay under IAM's size limit, so each one the policy ends
    // up with is acknowledged, with that reason (the plan is only final once every lookup exists).
    this.node.addValidation({
      validate: () => {
        this.acknowledgePatterns(policy);
        const warning = budgetWarning(this.longestWait(), this.stormPlan());
        if (warning) {
          Annotations.of(Stack.of(this)).addWarningV2('cdk-event-stream-lookup:budget', warning);
        }
        return [];
      },
    });
  }

  /** Records a lookup, so that the policy and the timeout cover it. */
  public register(registration: LookupRegistration): void {
    this.registrations.push(registration);
  }

  /** One refresh trigger per stack and synth: the context value if set, else the synth time. */
  public refreshToken(): string {
    this.refreshTokenValue ??= String(this.node.tryGetContext(REFRESH_CONTEXT_KEY) ?? new Date().toISOString());
    return this.refreshTokenValue;
  }

  /** The stack's lookups and the rate planned for them (the context value, else 5/s burst 10). */
  public stormPlan(): StormPlan {
    return { lookups: this.registrations.length, rate: parseApiRate(this.node.tryGetContext(API_RATE_CONTEXT_KEY)) };
  }

  /** The longest wait plus the storm plus one check plus a margin, within Lambda's maximum (src/budget.ts). */
  private functionTimeoutSeconds(): number {
    return functionTimeoutSeconds(this.longestWait(), this.stormPlan());
  }

  private longestWait(): number {
    return Math.max(0, ...this.registrations.map((r) => r.waitSeconds));
  }

  /** The GetEventStream plan for this stack's own-account lookups (exposed for tests). */
  public planGetEventStream(): ResourcePlan {
    const targets = this.registrations.filter((r) => r.roleArn === undefined).map((r) => r.target);
    const roles = this.assumedRoles();
    const rolesCost = roles.reduce((sum, arn) => sum + estimateLength(arn, 2048) + 3, 0);
    return planResources(targets, this.arnFactory(), ROLE_POLICY_LIMIT - POLICY_RESERVE - rolesCost);
  }

  private acknowledgePatterns(policy: iam.CfnPolicy): void {
    const plan = this.planGetEventStream();
    const patterns = plan.arns.map((arn) => flattenReference(Stack.of(this).resolve(arn))).filter((name) => name.includes('*'));
    const reason = plan.level === 'domain'
      ? 'profile:GetEventStream on the event streams of a domain: the exact ARNs of this stack\'s lookups would pass IAM\'s 10,240-character role policy limit (the domain ARN stays exact).'
      : 'profile:GetEventStream on the domains of this account and region: even per-domain patterns would pass IAM\'s 10,240-character role policy limit.';
    for (const pattern of patterns) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${pattern}]`,
        reason,
      });
    }
  }

  private assumedRoles(): string[] {
    return [...new Set(this.registrations.flatMap((r) => (r.roleArn === undefined ? [] : [r.roleArn])))];
  }

  private renderPolicy(logGroupArn: string): unknown {
    const statements: unknown[] = [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn },
    ];
    const plan = this.planGetEventStream();
    if (plan.arns.length > 0) {
      statements.push({ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: plan.arns });
    }
    const roles = this.assumedRoles();
    if (roles.length > 0) {
      statements.push({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roles });
    }
    // An Update that would fail or wait asks for its own stack's status, so a rollback never gates
    // (lambda/rollback.ts); the function's own credentials, on exactly this stack.
    statements.push({ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: Stack.of(this).stackId });
    return { Version: '2012-10-17', Statement: statements };
  }

  private arnFactory(): ArnFactory {
    const stack = Stack.of(this);
    return {
      arn: (region, resource) =>
        stack.formatArn({ service: 'profile', region, resource, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
      // arn:PARTITION:profile:REGION:ACCOUNT:RESOURCE, tokens counted at their longest value
      // (aws-us-gov, ap-southeast-5, 12 digits, 64-character names).
      length: (region, resource) =>
        'arn::profile:::'.length +
        estimateLength(stack.partition, 10) +
        estimateLength(region, 14) +
        estimateLength(stack.account, 12) +
        estimateLength(resource, 64),
    };
  }
}

/** A resolved CloudFormation value as rule packs name it in finding ids: `{"Ref": "X"}` becomes `<X>`. */
export function flattenReference(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenReference).join(separator);
  }
  if (node.Ref) {
    return `<${node.Ref}>`;
  }
  return JSON.stringify(value);
}
