import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import { acknowledgeCompliance, acknowledgePatterns, VPC_MANAGED_POLICY } from './acknowledgements';
import { describeProps, tracingEnabled, validateProviderProps } from './configuration';
import { defaultsFollowedBy, recordBuiltConfiguration } from './followers';
import { planGetEventStream, profileArns, renderPolicyDocument } from './policy';
import { EventStreamLookupProviderProps } from './props';
import { assumedRolesOf, longestWaitOf, ownAccountTargetsOf, registrationsOf, stormPlanOf } from './registrations';
import { budgetWarning, functionTimeoutSeconds } from '../timeouts';
import { encodeStormPlan, STORM_PLAN_ENV } from '../wire/storm';

/** Where the build (`npx projen bundle`) leaves the esbuild bundle of `lambda/index.ts`. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'lambda', 'index');

/** Construct id of the per-stack singleton. Changing it replaces every user's provider. */
const PROVIDER_ID = 'EventStreamLookupProvider';

/** Memory of the function unless configured. */
const DEFAULT_MEMORY_MB = 256;

/**
 * Node.js 24, by name: `lambda.Runtime.NODEJS_24_X` is missing from older aws-cdk-lib releases of
 * the peer range.
 */
export const NODEJS_24 = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });

/** What the provider holds once built, from its final configuration. */
interface Built {
  readonly role: ProviderRole;
  readonly policy: iam.CfnPolicy;
  readonly fn: lambda.Function;
  readonly logGroup: logs.ILogGroup;
  readonly props: EventStreamLookupProviderProps;
  /** The configuration in words; undefined when built with the defaults. */
  readonly configured?: string;
  /** What had the provider built: `configure()`, or the first lookup of the stack. */
  readonly builtFor: string;
}

/**
 * The one function, role, log group and policy that serve every EventStreamLookup of a stack.
 *
 * `EventStreamLookupProvider.of(stack)` returns it. Its resources are built once, from their final
 * configuration: by `configure(props)`, or with the defaults by the stack's first lookup (or the
 * first read of `function`, `role`, `logGroup`, `serviceToken` or `permissions`). So configure the
 * provider before the stack's first lookup. Its timeout and its policy are rendered at synth time,
 * from all lookups, so one provider fits the longest wait and every stream the stack reads.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * EventStreamLookupProvider.of(this).configure({
 *   vpc,
 *   memorySize: 512,
 *   logRetention: logs.RetentionDays.ONE_YEAR,
 * });
 */
export class EventStreamLookupProvider extends Construct {
  /**
   * Returns the stack's provider, creating it on first use.
   *
   * @param scope any construct of the stack
   */
  public static of(scope: Construct): EventStreamLookupProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof EventStreamLookupProvider ? existing : new EventStreamLookupProvider(stack, PROVIDER_ID);
  }

  private built?: Built;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    if (!fs.existsSync(path.join(HANDLER_ASSET, 'index.js'))) {
      throw new Error(`EventStreamLookup: the bundled handler is missing at ${HANDLER_ASSET}; run "npx projen bundle".`);
    }
  }

  /** ARN of the handler function, the `ServiceToken` of every lookup. */
  public get serviceToken(): string {
    return this.ensureBuilt().fn.functionArn;
  }

  /** What a lookup must depend on so that permissions outlive it (Delete still runs with them). */
  public get permissions(): IDependable {
    return this.ensureBuilt().policy;
  }

  /**
   * The handler function. Its role is referenced by ARN and immutable: statements added through the
   * function are dropped; add permissions through `role`.
   */
  public get function(): lambda.Function {
    return this.ensureBuilt().fn;
  }

  /**
   * The function's role. Statements added to it (`addToPrincipalPolicy`, grants) land in the
   * provider's one inline policy, which every lookup depends on.
   */
  public get role(): iam.IRole {
    return this.ensureBuilt().role;
  }

  /** The log group the function writes to: the provider's own, or the one given to `configure`. */
  public get logGroup(): logs.ILogGroup {
    return this.ensureBuilt().logGroup;
  }

  /**
   * Sets the provider's options: call it once per stack, before the stack's first lookup.
   *
   * Configuring it again with the same options changes nothing; with different options, or after
   * a lookup has built the provider with the defaults, is an error that names both.
   *
   * @param props the options
   */
  public configure(props: EventStreamLookupProviderProps): EventStreamLookupProvider {
    const description = describeProps(props);
    const stack = Stack.of(this).node.path;
    if (this.built?.configured === description) {
      return this;
    }
    if (this.built?.configured !== undefined) {
      throw new Error(
        `EventStreamLookupProvider: the provider of stack '${stack}' is configured twice, differently: first ${this.built.configured}, then ${description}. One function serves every lookup of a stack: configure it once.`,
      );
    }
    if (this.built) {
      throw new Error(
        `EventStreamLookupProvider: configure(${description}) comes too late for stack '${stack}': its function was already built with the default configuration, for ${this.built.builtFor}. ` +
          'Call EventStreamLookupProvider.of(stack).configure(...) before that, ahead of the stack\'s first EventStreamLookup.',
      );
    }
    const follower = defaultsFollowedBy(Stack.of(this));
    if (follower !== undefined) {
      throw new Error(
        `EventStreamLookupProvider: configure(${description}) comes too late for stack '${stack}': ${follower} already follows the default configuration. ` +
          'Call EventStreamLookupProvider.of(stack).configure(...) before that, ahead of the stack\'s first EventStreamLookup or EventStreamWatch.',
      );
    }
    validateProviderProps(props);
    this.build(props, description, 'configure()');
    return this;
  }

  private ensureBuilt(): Built {
    if (!this.built) {
      const lookups = registrationsOf(Stack.of(this));
      const builtFor = lookups.length > 0 ? `the lookup '${lookups[0].path}'` : 'the first read of the provider\'s function, role, log group, service token or permissions';
      this.build({}, undefined, builtFor);
    }
    return this.built!;
  }

  private build(props: EventStreamLookupProviderProps, configured: string | undefined, builtFor: string): void {
    const stack = Stack.of(this);
    const role = new ProviderRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the EventStreamLookup handler: reads Customer Profiles event streams, writes its own logs.',
    });
    const logGroup = props.logGroup ?? this.ownLogGroup(props);
    const fn = new lambda.Function(this, 'Handler', {
      description: 'EventStreamLookup: answers CloudFormation with the facts of Customer Profiles event streams',
      runtime: NODEJS_24,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      functionName: props.functionName,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      timeout: Duration.seconds(Lazy.number({ produce: () => functionTimeoutSeconds(longestWaitOf(stack), stormPlanOf(stack)) })),
      // The function gets the role by reference: given the role construct, Lambda also renders a
      // `DependsOn` that repeats its `Fn::GetAtt` (cfn-lint W3005). What the function needs from the
      // role at creation (VPC permissions) is attached to the role itself; the lookups depend on
      // the policy.
      role: iam.Role.fromRoleArn(this, 'HandlerRole', role.roleArn, { mutable: false }),
      logGroup,
      tracing: tracingEnabled(props) ? props.tracing : undefined,
      ...this.vpcPlacement(role, props),
      // How many lookups may call at once, and the planned rate: the handler spreads its first call
      // and bounds its retries with them (src/wire/storm.ts).
      environment: { [STORM_PLAN_ENV]: Lazy.string({ produce: () => encodeStormPlan(stormPlanOf(stack)) }) },
    });
    const tracingPolicy = tracingEnabled(props) ? this.tracingPolicy(role) : undefined;

    const neighbours = () => ({
      assumedRoles: assumedRolesOf(stack),
      statements: role.statements.map((statement) => statement.toStatementJson()),
      tracing: tracingPolicy !== undefined,
    });
    const plan = () => planGetEventStream(ownAccountTargetsOf(stack), profileArns(stack), neighbours());
    const policy = new iam.CfnPolicy(this, 'Policy', {
      policyName: 'EventStreamLookup',
      roles: [role.roleName],
      policyDocument: Lazy.any({
        produce: () => renderPolicyDocument({ ...neighbours(), logGroupArn: logGroup.logGroupArn, stackId: stack.stackId, plan: plan() }),
      }),
    });
    role.policy = policy;
    this.built = { role, policy, fn, logGroup, props, configured, builtFor };
    recordBuiltConfiguration(Stack.of(this), props);

    // The compacted patterns and the compliance rules the configuration leaves unfixed are
    // acknowledged once every lookup exists; so is the warning when the lookups cannot fit Lambda's maximum.
    this.node.addValidation({
      validate: () => {
        acknowledgePatterns(policy, plan());
        acknowledgeCompliance({
          fn: fn.node.defaultChild!,
          policy,
          role: role.node.defaultChild!,
          ownLogGroup: props.logGroup ? undefined : logGroup.node.defaultChild,
          tracingPolicy,
          inVpc: props.vpc !== undefined,
          reservesConcurrency: props.reservedConcurrentExecutions !== undefined,
          logsEncrypted: props.logEncryptionKey !== undefined,
        });
        const warning = budgetWarning(longestWaitOf(stack), stormPlanOf(stack));
        if (warning) {
          Annotations.of(stack).addWarningV2('cdk-event-stream-lookup:budget', warning);
        }
        return [];
      },
    });
  }

  /** The provider's own log group, and the key policy that lets CloudWatch Logs use a key of the app. */
  private ownLogGroup(props: EventStreamLookupProviderProps): logs.LogGroup {
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });
    if (props.logEncryptionKey) {
      allowLogsToUseKey(this, props.logEncryptionKey);
    }
    return logGroup;
  }

  /** The function's VPC props: private subnets only, and an HTTPS-only security group unless given. */
  private vpcPlacement(role: ProviderRole, props: EventStreamLookupProviderProps): Partial<lambda.FunctionProps> {
    const vpc = props.vpc;
    if (!vpc) {
      return {};
    }
    const selected = vpc.selectSubnets(props.vpcSubnets);
    const publicIds = new Set(vpc.publicSubnets.map((subnet) => subnet.subnetId));
    if (selected.subnetIds.some((id) => publicIds.has(id))) {
      throw new Error(
        'EventStreamLookupProvider: vpcSubnets selects public subnets: a Lambda function gets no public IP there, so it could not reach Customer Profiles. Select private subnets with a NAT gateway or VPC endpoints.',
      );
    }
    // Lambda checks the ENI permissions when it creates the function, so they sit on the role itself
    // (the function references the role's ARN). The actions have no resource-level scoping that
    // Lambda accepts: this is the AWS managed policy that CDK attaches to its own functions in a VPC.
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${VPC_MANAGED_POLICY}`));
    const groups = props.securityGroups && props.securityGroups.length > 0 ? props.securityGroups : [this.httpsOnlySecurityGroup(vpc)];
    return { vpc, vpcSubnets: props.vpcSubnets, securityGroups: groups };
  }

  private httpsOnlySecurityGroup(vpc: ec2.IVpc): ec2.ISecurityGroup {
    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'EventStreamLookup handler: outbound HTTPS only',
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Customer Profiles, STS, CloudFormation and S3');
    return group;
  }

  /** X-Ray's two actions, in an inline policy of their own (they support no resource-level permissions). */
  private tracingPolicy(role: ProviderRole): iam.CfnPolicy {
    return new iam.CfnPolicy(this, 'TracingPolicy', {
      policyName: 'EventStreamLookupTracing',
      roles: [role.roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
      },
    });
  }
}

/**
 * The provider's role: statements added to it (directly or by grants) land in the provider's one
 * inline policy instead of a second, default policy, so the size budget and the lookups'
 * dependency cover them.
 */
class ProviderRole extends iam.Role {
  /** Statements added through the role, rendered into the provider's policy. */
  public readonly statements: iam.PolicyStatement[] = [];
  /** The provider's policy, set once it exists. */
  public policy?: iam.CfnPolicy;

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.statements.push(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

/**
 * Lets CloudWatch Logs use a key of the app for this account's log groups in this region (the log
 * group's own ARN would make a cycle: the log group depends on the key, through its KmsKeyId, and
 * the key policy is part of the key, so it is in place before the log group). Added by every
 * function of the stack whose log group uses the key; identical statements render once.
 */
export function allowLogsToUseKey(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
    },
  }));
}
