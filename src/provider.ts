import * as fs from 'fs';
import * as path from 'path';
import { Annotations, ArnFormat, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct, IDependable } from 'constructs';
import { acknowledge, COMPLIANCE_RULES, ComplianceRule, findingIds } from './acknowledgements';
import { API_RATE_CONTEXT_KEY, budgetWarning, functionTimeoutSeconds, parseApiRate, renderStormPlan, STORM_PLAN_ENV, StormPlan } from './budget';
import { REFRESH_CONTEXT_KEY } from './contract';
import { ArnFactory, estimateLength, planResources, ResourcePlan, StreamTarget } from './permissions';
import { EventStreamLookupProviderProps } from './provider-props';

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
/** Resolved length, whitespace excluded, of the tracing policy (name and document). */
const TRACING_POLICY_LENGTH = 160;
/** Memory of the function unless configured. */
const DEFAULT_MEMORY_MB = 256;
/** The AWS managed policy that lets Lambda manage a function's network interfaces in a VPC. */
const VPC_MANAGED_POLICY = 'AWSLambdaVPCAccessExecutionRole';
const VPC_MANAGED_POLICY_REASON =
  'The lookup function runs in the VPC configured for it: Lambda needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface at creation, which it does not accept scoped to resources; AWSLambdaVPCAccessExecutionRole is the AWS managed policy that grants exactly those (and log writing).';
const TRACING_WILDCARD_REASON =
  'X-Ray tracing is configured: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their own policy grants them on "*" (and nothing else).';

/**
 * Node.js 24, by name: `lambda.Runtime.NODEJS_24_X` is missing from older aws-cdk-lib releases of
 * the peer range.
 */
const NODEJS_24 = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });

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
 * `EventStreamLookupProvider.of(stack)` returns it (creating it on first use), and
 * `configure(props)` sets its options once, before or after the stack's lookups are added.
 * Its timeout and its policy are rendered lazily at synth time, from all lookups, so one provider
 * fits the longest wait and every stream the stack reads.
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
   * Returns the stack's provider, creating it (with the default configuration) on first use.
   *
   * @param scope any construct of the stack
   */
  public static of(scope: Construct): EventStreamLookupProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof EventStreamLookupProvider ? existing : new EventStreamLookupProvider(stack, PROVIDER_ID);
  }

  /** ARN of the handler function, the `ServiceToken` of every lookup. */
  public readonly serviceToken: string;
  /** What a lookup must depend on so that permissions outlive it (Delete still runs with them). */
  public readonly permissions: IDependable;
  /**
   * The handler function. Its role is referenced by ARN and immutable: statements added through the
   * function are dropped; add permissions through `role`.
   */
  public readonly function: lambda.Function;
  /**
   * The function's role. Statements added to it (`addToPrincipalPolicy`, grants) land in the
   * provider's one inline policy, which every lookup depends on.
   */
  public readonly role: iam.IRole;

  private readonly registrations: LookupRegistration[] = [];
  private readonly providerRole: ProviderRole;
  private readonly ownLogGroup: logs.LogGroup;
  private tracingPolicy?: iam.CfnPolicy;
  private userLogGroup?: logs.ILogGroup;
  private configuration?: { props: EventStreamLookupProviderProps; description: string };
  private refreshTokenValue?: string;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    if (!fs.existsSync(path.join(HANDLER_ASSET, 'index.js'))) {
      throw new Error(`EventStreamLookup: the bundled handler is missing at ${HANDLER_ASSET}; run "npx projen bundle".`);
    }

    this.providerRole = new ProviderRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the EventStreamLookup handler: reads Customer Profiles event streams, writes its own logs.',
    });
    this.role = this.providerRole;
    this.ownLogGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });

    this.function = new lambda.Function(this, 'Handler', {
      description: 'EventStreamLookup: answers CloudFormation with the facts of Customer Profiles event streams',
      runtime: NODEJS_24,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      memorySize: DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(Lazy.number({ produce: () => this.functionTimeoutSeconds() })),
      // The function gets the role by reference: given the role construct, Lambda also renders a
      // `DependsOn` that repeats its `Fn::GetAtt` (cfn-lint W3005). What the function needs from the
      // role at creation (VPC permissions) is attached to the role itself; the lookups depend on
      // the policy.
      role: iam.Role.fromRoleArn(this, 'HandlerRole', this.providerRole.roleArn, { mutable: false }),
      logGroup: this.ownLogGroup,
    });
    // How many lookups may call at once, and the planned rate: the handler spreads its first call
    // and bounds its retries with them (src/budget.ts).
    this.function.addEnvironment(STORM_PLAN_ENV, Lazy.string({ produce: () => renderStormPlan(this._stormPlan()) }));

    const policy = new iam.CfnPolicy(this, 'Policy', {
      policyName: 'EventStreamLookup',
      roles: [this.providerRole.roleName],
      policyDocument: Lazy.any({ produce: () => this.renderPolicy(this.logGroup.logGroupArn) }),
    });
    this.providerRole.policy = policy;

    this.serviceToken = this.function.functionArn;
    this.permissions = policy;
    // Rules such as cdk-nag's AwsSolutions-IAM5 flag every wildcard resource. The compacted
    // patterns are the documented way to stay under IAM's size limit, so each one the policy ends
    // up with is acknowledged, with that reason (the plan is only final once every lookup exists);
    // so are the compliance rules that the final configuration does not fix.
    this.node.addValidation({
      validate: () => {
        this.acknowledgePatterns(policy);
        this.acknowledgeCompliance(policy);
        const warning = budgetWarning(this.longestWait(), this._stormPlan());
        if (warning) {
          Annotations.of(Stack.of(this)).addWarningV2('cdk-event-stream-lookup:budget', warning);
        }
        return [];
      },
    });
  }

  /** The log group the function writes to: the provider's own, or the one given to `configure`. */
  public get logGroup(): logs.ILogGroup {
    return this.userLogGroup ?? this.ownLogGroup;
  }

  /**
   * Sets the provider's options. Call it once per stack, before or after adding lookups; calling
   * it again with a different configuration is an error that names both.
   *
   * @param props the options
   */
  public configure(props: EventStreamLookupProviderProps): EventStreamLookupProvider {
    const description = describeProps(props);
    if (this.configuration) {
      if (this.configuration.description === description) {
        return this;
      }
      throw new Error(
        `EventStreamLookupProvider: the provider of stack '${Stack.of(this).node.path}' is configured twice, differently: first ${this.configuration.description}, then ${description}. One function serves every lookup of a stack: configure it once.`,
      );
    }
    validateProviderProps(props);
    this.configuration = { props, description };

    const fn = this.function.node.defaultChild as lambda.CfnFunction;
    if (props.memorySize !== undefined) {
      fn.memorySize = props.memorySize;
    }
    fn.functionName = props.functionName;
    fn.reservedConcurrentExecutions = props.reservedConcurrentExecutions;
    if (tracingEnabled(props)) {
      fn.tracingConfig = { mode: props.tracing };
      this.addTracingPolicy();
    }
    if (props.vpc) {
      this.placeInVpc(fn, props.vpc, props.vpcSubnets, props.securityGroups);
    }
    this.configureLogs(fn, props);
    return this;
  }

  /**
   * Records a lookup, so that the policy and the timeout cover it.
   *
   * @internal
   */
  public _register(registration: LookupRegistration): void {
    this.registrations.push(registration);
  }

  /**
   * One refresh trigger per stack and synth: the context value if set, else the synth time.
   *
   * @internal
   */
  public _refreshToken(): string {
    this.refreshTokenValue ??= String(this.node.tryGetContext(REFRESH_CONTEXT_KEY) ?? new Date().toISOString());
    return this.refreshTokenValue;
  }

  /**
   * The stack's lookups and the rate planned for them (the context value, else 5/s burst 10).
   * @internal
   */
  public _stormPlan(): StormPlan {
    return { lookups: this.registrations.length, rate: parseApiRate(this.node.tryGetContext(API_RATE_CONTEXT_KEY)) };
  }

  /** The longest wait plus the storm plus one check plus a margin, within Lambda's maximum (src/budget.ts). */
  private functionTimeoutSeconds(): number {
    return functionTimeoutSeconds(this.longestWait(), this._stormPlan());
  }

  private longestWait(): number {
    return Math.max(0, ...this.registrations.map((r) => r.waitSeconds));
  }

  /**
   * The GetEventStream plan for this stack's own-account lookups (exposed for tests).
   *
   * @internal
   */
  public _planGetEventStream(): ResourcePlan {
    const targets = this.registrations.filter((r) => r.roleArn === undefined).map((r) => r.target);
    return planResources(targets, profileArns(Stack.of(this)), this._getEventStreamBudget());
  }

  /**
   * Characters left for the GetEventStream resources: IAM's limit less the reserve, each assumed
   * role's ARN (with its quotes and comma), the statements added through the role, the tracing policy.
   *
   * @internal
   */
  public _getEventStreamBudget(): number {
    const rolesCost = this.assumedRoles().reduce((sum, arn) => sum + estimateLength(arn, 2048) + 3, 0);
    const othersCost = this.providerRole.statementsLength() + (this.tracingPolicy ? TRACING_POLICY_LENGTH : 0);
    return ROLE_POLICY_LIMIT - POLICY_RESERVE - rolesCost - othersCost;
  }

  private acknowledgePatterns(policy: iam.CfnPolicy): void {
    const plan = this._planGetEventStream();
    const patterns = plan.arns.map((arn) => flattenReference(Stack.of(this).resolve(arn))).filter((name) => name.includes('*'));
    const reason = plan.level === 'domain'
      ? 'profile:GetEventStream on the event streams of a domain: the exact ARNs of this stack\'s lookups would pass IAM\'s 10,240-character role policy limit (the domain ARN stays exact).'
      : 'profile:GetEventStream on the domains of this account and region: even per-domain patterns would pass IAM\'s 10,240-character role policy limit.';
    for (const pattern of patterns) {
      acknowledge(policy, `AwsSolutions::AwsSolutions-IAM5[Resource::${pattern}]`, reason);
    }
  }

  /** Acknowledges, on exactly the resource concerned, each compliance rule the configuration leaves unfixed. */
  private acknowledgeCompliance(policy: iam.CfnPolicy): void {
    const props = this.configuration?.props ?? {};
    const fn = this.function.node.defaultChild as lambda.CfnFunction;
    const unfixed: Array<[IConstruct, ComplianceRule]> = [
      [fn, COMPLIANCE_RULES.deadLetterQueue],
      [policy, COMPLIANCE_RULES.inlinePolicy],
    ];
    if (this.tracingPolicy) {
      unfixed.push([this.tracingPolicy, COMPLIANCE_RULES.inlinePolicy]);
      acknowledge(this.tracingPolicy, 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', TRACING_WILDCARD_REASON);
    }
    if (!props.vpc) {
      unfixed.push([fn, COMPLIANCE_RULES.insideVpc]);
    } else {
      acknowledge(this.providerRole.node.defaultChild!, `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${VPC_MANAGED_POLICY}]`, VPC_MANAGED_POLICY_REASON);
    }
    if (props.reservedConcurrentExecutions === undefined) {
      unfixed.push([fn, COMPLIANCE_RULES.concurrency]);
    }
    if (!tracingEnabled(props)) {
      unfixed.push([fn, COMPLIANCE_RULES.tracing]);
    }
    // A log group of the user's own is theirs to judge; the provider's is encrypted only with a key.
    if (!this.userLogGroup && !props.logEncryptionKey) {
      unfixed.push([this.ownLogGroup.node.defaultChild!, COMPLIANCE_RULES.logGroupEncrypted]);
    }
    for (const [resource, rule] of unfixed) {
      for (const id of findingIds(rule)) {
        acknowledge(resource, id, rule.reason);
      }
    }
  }

  /** X-Ray's two actions, in an inline policy of their own (they support no resource-level permissions). */
  private addTracingPolicy(): void {
    this.tracingPolicy = new iam.CfnPolicy(this, 'TracingPolicy', {
      policyName: 'EventStreamLookupTracing',
      roles: [this.providerRole.roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
      },
    });
  }

  private placeInVpc(fn: lambda.CfnFunction, vpc: ec2.IVpc, vpcSubnets?: ec2.SubnetSelection, securityGroups?: ec2.ISecurityGroup[]): void {
    const selected = vpc.selectSubnets(vpcSubnets);
    const publicIds = new Set(vpc.publicSubnets.map((subnet) => subnet.subnetId));
    if (selected.subnetIds.some((id) => publicIds.has(id))) {
      throw new Error(
        'EventStreamLookupProvider: vpcSubnets selects public subnets: a Lambda function gets no public IP there, so it could not reach Customer Profiles. Select private subnets with a NAT gateway or VPC endpoints.',
      );
    }
    const groups = securityGroups && securityGroups.length > 0 ? securityGroups : [this.defaultSecurityGroup(vpc)];
    fn.vpcConfig = { subnetIds: selected.subnetIds, securityGroupIds: groups.map((group) => group.securityGroupId) };
    this.function.node.addDependency(selected.internetConnectivityEstablished);
    // Lambda checks the ENI permissions when it creates the function, so they sit on the role itself
    // (the function references the role's ARN). The actions have no resource-level scoping that
    // Lambda accepts: this is the AWS managed policy that CDK attaches to its own functions in a VPC.
    this.providerRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${VPC_MANAGED_POLICY}`));
  }

  private defaultSecurityGroup(vpc: ec2.IVpc): ec2.ISecurityGroup {
    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'EventStreamLookup handler: outbound HTTPS only',
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Customer Profiles, STS, CloudFormation and S3');
    return group;
  }

  private configureLogs(fn: lambda.CfnFunction, props: EventStreamLookupProviderProps): void {
    if (props.logGroup) {
      // The user's own log group replaces the provider's, which leaves the tree.
      this.userLogGroup = props.logGroup;
      this.node.tryRemoveChild(this.ownLogGroup.node.id);
      fn.loggingConfig = { ...(fn.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined), logGroup: props.logGroup.logGroupName };
      return;
    }
    const cfnLogGroup = this.ownLogGroup.node.defaultChild as logs.CfnLogGroup;
    if (props.logRetention !== undefined) {
      cfnLogGroup.retentionInDays = props.logRetention === logs.RetentionDays.INFINITE ? undefined : props.logRetention;
    }
    // Stryker disable next-line ConditionalExpression: applying no policy applies RETAIN, the log group's own default
    if (props.logRemovalPolicy !== undefined) {
      this.ownLogGroup.applyRemovalPolicy(props.logRemovalPolicy);
    }
    if (props.logEncryptionKey) {
      cfnLogGroup.kmsKeyId = props.logEncryptionKey.keyArn;
      // CloudWatch Logs uses the key for this account's log groups in this region (the log group's
      // own ARN would make a cycle: the log group depends on the key, through its KmsKeyId, and the
      // key policy is part of the key, so it is in place before the log group).
      const stack = Stack.of(this);
      props.logEncryptionKey.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
        },
      }));
    }
  }

  private assumedRoles(): string[] {
    return [...new Set(this.registrations.flatMap((r) => (r.roleArn === undefined ? [] : [r.roleArn])))];
  }

  private renderPolicy(logGroupArn: string): unknown {
    const statements: unknown[] = [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn },
    ];
    const plan = this._planGetEventStream();
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
    // Statements a user added through the provider's role.
    statements.push(...this.providerRole.statements.map((statement) => statement.toStatementJson()));
    return { Version: '2012-10-17', Statement: statements };
  }
}

/** Customer Profiles ARNs of the stack's partition and account, and their length at most once resolved. */
export function profileArns(stack: Stack): ArnFactory {
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

  /** Upper bound of the statements' resolved length (tokens at 256 characters each). */
  public statementsLength(): number {
    return this.statements.reduce((sum, statement) => sum + estimateLength(JSON.stringify(statement.toStatementJson()), 256) + 1, 0);
  }
}

/** The configuration in words, for the error about two configurations: constructs by path. */
function describeProps(props: EventStreamLookupProviderProps): string {
  const entries = Object.entries(props)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}: ${describeValue(value)}`);
  return `{ ${entries.join(', ')} }`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(describeValue).join(', ')}]`;
  }
  if (Construct.isConstruct(value)) {
    return value.node.path;
  }
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${describeValue(v)}`).join(', ')} }`;
  }
  return Token.isUnresolved(value) ? '(token)' : JSON.stringify(value);
}

function validateProviderProps(props: EventStreamLookupProviderProps): void {
  const fail = (message: string) => {
    throw new Error(`EventStreamLookupProvider: ${message}`);
  };
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    fail('vpcSubnets and securityGroups need vpc: set the VPC the function should run in.');
  }
  if (props.logGroup && (props.logRetention !== undefined || props.logRemovalPolicy !== undefined || props.logEncryptionKey)) {
    fail('logGroup excludes logRetention, logRemovalPolicy and logEncryptionKey: set those on your own log group, or let the provider create one.');
  }
  const memory = props.memorySize;
  if (isLiteral(memory) && (!Number.isInteger(memory) || memory < 128 || memory > 10_240)) {
    fail(`memorySize is ${memory}, expected a whole number of MiB from 128 to 10240.`);
  }
  const reserved = props.reservedConcurrentExecutions;
  if (isLiteral(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
    fail(`reservedConcurrentExecutions is ${reserved}, expected a whole number of at least 1 (0 would stop every lookup).`);
  }
  const name = props.functionName;
  if (isLiteral(name) && !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    fail(`functionName ${JSON.stringify(name)} is not a Lambda function name: 1-64 letters, digits, '-' and '_'.`);
  }
}

/** Set, and known at synth time (a token is checked by CloudFormation instead). */
function isLiteral<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Whether the configuration turns X-Ray tracing on. */
function tracingEnabled(props: EventStreamLookupProviderProps): boolean {
  return props.tracing !== undefined && props.tracing !== lambda.Tracing.DISABLED;
}
