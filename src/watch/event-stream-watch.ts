import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWatchCompliance } from './acknowledgements';
import { EventStreamWatchProps } from './props';
import { IEventStream } from '../event-stream';
import { acknowledgePatterns, VPC_MANAGED_POLICY } from '../provider/acknowledgements';
import { tracingEnabled } from '../provider/configuration';
import { getEventStreamBudget, profileArns } from '../provider/policy';
import { EventStreamLookupProviderProps } from '../provider/props';
import { allowLogsToUseKey, EventStreamLookupProvider, NODEJS_24 } from '../provider/provider';
import { estimateLength, planResources } from '../provider/resource-plan';
import { parseApiRate } from '../timeouts';
import { API_RATE_CONTEXT_KEY } from '../wire/storm';
import {
  DIMENSIONS, encodeWatchPlan, MAX_INPUT_LENGTH, STREAM_METRICS, WATCH_METRICS, WATCH_NAMESPACE, WatchGroup, WatchPlan, watchTimeoutSeconds,
} from '../wire/watch';

/** Where the build (`npx projen bundle`) leaves the esbuild bundle of `lambda/watch/index.ts`. */
const WATCH_ASSET = path.join(__dirname, '..', '..', 'assets', 'lambda', 'watch', 'index');

/** Most streams one watch reads (its scheduled event carries them all, at most 8,192 characters). */
export const MAX_WATCHED_STREAMS = 100;

const DEFAULT_INTERVAL = Duration.minutes(5);

/**
 * Watches looked-up event streams after deployment: a scheduled check reads each one and publishes
 * whether it runs, whether its destination is healthy and whether it exists, and alarms go off when
 * one stops, turns unhealthy or disappears, or when the check itself fails or goes silent.
 *
 * Customer Profiles publishes no metric and no event for a stream that stops: the check is the
 * signal. It reads the streams with one `ListEventStreams` per domain (one `GetEventStream` for a
 * domain with one watched stream), paced under half of the account's rate limit, and writes the
 * metrics as CloudWatch embedded metric format log lines (namespace `EventStreamWatch`). The
 * function follows the stack's `EventStreamLookupProvider` configuration: VPC, logs and their key,
 * tracing.
 *
 * @example
 * declare const topic: sns.ITopic;
 * const orders = new EventStreamLookup(this, 'Orders', { domainName: 'retail', eventStreamName: 'orders' });
 * const watch = new EventStreamWatch(this, 'Watch', { streams: [orders] });
 * watch.addAlarmAction(new cw_actions.SnsAction(topic));
 */
export class EventStreamWatch extends Construct {
  /** CloudWatch namespace of the watch's metrics: `EventStreamWatch`. */
  public static readonly METRIC_NAMESPACE: string = WATCH_NAMESPACE;

  /** ALARM while at least one watched stream is STOPPED (metric `StreamsNotRunning`). */
  public readonly stoppedAlarm: cloudwatch.IAlarm;
  /** ALARM while at least one watched stream's destination is UNHEALTHY (metric `DestinationsUnhealthy`). */
  public readonly destinationUnhealthyAlarm: cloudwatch.IAlarm;
  /** ALARM while at least one watched stream does not exist (metric `StreamsMissing`). */
  public readonly missingAlarm: cloudwatch.IAlarm;
  /** ALARM when a check failed (a stream could not be read) or no check ran (the function's `Errors`, missing data breaching). */
  public readonly checkAlarm: cloudwatch.IAlarm;
  /** One alarm per stream when `silencePeriod` is set: no event reached its destination for that long. */
  public readonly silenceAlarms: cloudwatch.IAlarm[];
  /** The scheduled check function. */
  public readonly function: lambda.IFunction;
  /** Value of the `Watch` dimension of the watch's counts: the stack name and the construct's path in it. */
  public readonly watchName: string;
  /** How often the check runs; the period of the metrics and alarms. */
  public readonly interval: Duration;

  private readonly streams: IEventStream[];

  /**
   * @param scope the construct to add the watch to
   * @param id the watch's construct id, unique within `scope`
   * @param props the streams to watch, and how often
   */
  constructor(scope: Construct, id: string, props: EventStreamWatchProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.streams = [...props.streams];
    this.interval = validateInterval('interval', props.interval ?? DEFAULT_INTERVAL, 60);
    validateStreams(this.streams);
    const silencePeriod = props.silencePeriod === undefined ? undefined : validateInterval('silencePeriod', props.silencePeriod, 1440);

    this.watchName = `${stack.stackName}/${this.node.path.slice(stack.node.path.length + 1)}`;
    const rate = parseApiRate(stack.node.tryGetContext(API_RATE_CONTEXT_KEY));
    const plan: WatchPlan = { watch: this.watchName, rate, groups: groupsOf(this.streams) };
    const input = encodeWatchPlan(plan);
    const inputLength = estimateLength(JSON.stringify(input), 64);
    if (inputLength > MAX_INPUT_LENGTH) {
      throw new Error(`EventStreamWatch ${this.node.path}: the streams to read need about ${inputLength} characters in the scheduled event, above EventBridge's ${MAX_INPUT_LENGTH}: split them over several watches.`);
    }

    const config = EventStreamLookupProvider.of(this)._configurationFor(`the watch '${this.node.path}'`);
    const { fn, role, policy, logGroup, tracingPolicy } = this.buildFunction(config, plan);
    this.function = fn;
    const rule = new events.Rule(this, 'Schedule', {
      description: `EventStreamWatch ${this.watchName}: reads the watched event streams every ${this.interval.toMinutes()} minutes`,
      schedule: events.Schedule.rate(this.interval),
      targets: [new targets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject(input) })],
    });

    const count = (metricName: string) => new cloudwatch.Metric({
      namespace: WATCH_NAMESPACE,
      metricName,
      dimensionsMap: { [DIMENSIONS.watch]: this.watchName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: this.interval,
    });
    const countAlarm = (alarmId: string, metricName: string, what: string) => count(metricName).createAlarm(this, alarmId, {
      alarmDescription: `EventStreamWatch ${this.watchName}: ${what}. Per-stream metrics: namespace ${WATCH_NAMESPACE}, dimensions DomainName and EventStreamName.`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // A check that could not read is the check alarm's business: these keep their state meanwhile.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    this.stoppedAlarm = countAlarm('StoppedAlarm', WATCH_METRICS.notRunning, 'a watched event stream is STOPPED (Running = 0)');
    this.destinationUnhealthyAlarm = countAlarm('DestinationUnhealthyAlarm', WATCH_METRICS.unhealthy, 'a watched event stream\'s destination is UNHEALTHY (DestinationHealthy = 0)');
    this.missingAlarm = countAlarm('MissingAlarm', WATCH_METRICS.missing, 'a watched event stream does not exist (Exists = 0)');
    this.checkAlarm = fn.metricErrors({ period: this.interval, statistic: cloudwatch.Stats.SUM }).createAlarm(this, 'CheckAlarm', {
      alarmDescription: `EventStreamWatch ${this.watchName}: the check failed (a stream could not be read: see the function's log) or did not run (no invocation: missing data is breaching).`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.silenceAlarms = silencePeriod === undefined ? [] : this.silenceAlarmsFor(silencePeriod);

    this.node.addValidation({
      validate: () => {
        acknowledgeWatchCompliance({
          fn: fn.node.defaultChild!,
          invokeConfig: fn.node.findChild('EventInvokeConfig').node.defaultChild!,
          rule: rule.node.defaultChild!,
          policy,
          role: role.node.defaultChild!,
          ownLogGroup: config.logGroup ? undefined : logGroup.node.defaultChild,
          tracingPolicy,
          inVpc: config.vpc !== undefined,
          logsEncrypted: config.logEncryptionKey !== undefined,
        });
        return [];
      },
    });
  }

  /** Every alarm of the watch: stopped, destination unhealthy, missing, check, and the silence alarms. */
  public get alarms(): cloudwatch.IAlarm[] {
    return [this.stoppedAlarm, this.destinationUnhealthyAlarm, this.missingAlarm, this.checkAlarm, ...this.silenceAlarms];
  }

  /**
   * Adds actions to every alarm of the watch (`alarms`), run when one goes to ALARM.
   *
   * @param actions the actions, for example `new cw_actions.SnsAction(topic)`
   */
  public addAlarmAction(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.alarms) {
      (alarm as cloudwatch.Alarm).addAlarmAction(...actions);
    }
  }

  /**
   * Adds actions to every alarm of the watch, run when one returns to OK.
   *
   * @param actions the actions
   */
  public addOkAction(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.alarms) {
      (alarm as cloudwatch.Alarm).addOkAction(...actions);
    }
  }

  /**
   * `Running` of a watched stream: 1 while it is RUNNING, 0 while STOPPED (no value while it is missing).
   *
   * @param stream one of the watched streams
   * @param options period, statistic and label; by default the interval and `Minimum`
   */
  public metricRunning(stream: IEventStream, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.streamMetric(STREAM_METRICS.running, stream, options);
  }

  /**
   * `DestinationHealthy` of a watched stream: 1 while its destination is HEALTHY, else 0 (no value while it is missing).
   *
   * @param stream one of the watched streams
   * @param options period, statistic and label; by default the interval and `Minimum`
   */
  public metricDestinationHealthy(stream: IEventStream, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.streamMetric(STREAM_METRICS.destinationHealthy, stream, options);
  }

  /**
   * `Exists` of a watched stream: 1 while it exists, 0 when the service does not know it.
   *
   * @param stream one of the watched streams
   * @param options period, statistic and label; by default the interval and `Minimum`
   */
  public metricExists(stream: IEventStream, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.streamMetric(STREAM_METRICS.exists, stream, options);
  }

  private streamMetric(metricName: string, stream: IEventStream, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!this.streams.includes(stream)) {
      throw new Error(`EventStreamWatch ${this.node.path}: metric${metricName}() was given a stream this watch does not watch (${describeStream(stream)}): pass one of its streams.`);
    }
    return new cloudwatch.Metric({
      namespace: WATCH_NAMESPACE,
      metricName,
      dimensionsMap: { [DIMENSIONS.domainName]: stream.domainName, [DIMENSIONS.eventStreamName]: stream.eventStreamName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: this.interval,
      ...options,
    });
  }

  private silenceAlarmsFor(period: Duration): cloudwatch.IAlarm[] {
    const stack = Stack.of(this);
    const alarms: cloudwatch.IAlarm[] = [];
    this.streams.forEach((stream, index) => {
      if (stream.roleArn !== undefined || stream.region !== stack.region) {
        Annotations.of(this).addWarningV2('cdk-event-stream-lookup:watch-silence',
          `EventStreamWatch ${this.node.path}: no silence alarm for ${describeStream(stream)}: its EventsProcessed metric is in another ${stream.roleArn !== undefined ? 'account' : 'region'}, which an alarm of this stack cannot read.`);
        return;
      }
      let destinationName: string;
      try {
        destinationName = stream.destinationStream.streamName;
      } catch (error) {
        throw new Error(`EventStreamWatch ${this.node.path}: silencePeriod needs the destination of ${describeStream(stream)}: ${(error as Error).message}`);
      }
      const metric = new cloudwatch.Metric({
        namespace: 'AWS/CustomerProfiles',
        metricName: 'EventsProcessed',
        dimensionsMap: { DomainName: stream.domainName, DestinationType: 'Kinesis', DestinationName: destinationName },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
      alarms.push(metric.createAlarm(this, `SilenceAlarm${index}`, {
        alarmDescription: `EventStreamWatch ${this.watchName}: no event reached the destination of ${describeStream(stream)} for ${period.toMinutes()} minutes (AWS/CustomerProfiles EventsProcessed).`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No event, no datapoint: silence is missing data.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }));
    });
    return alarms;
  }

  private buildFunction(config: EventStreamLookupProviderProps, plan: WatchPlan) {
    if (!fs.existsSync(path.join(WATCH_ASSET, 'index.js'))) {
      throw new Error(`EventStreamWatch: the bundled watch handler is missing at ${WATCH_ASSET}; run "npx projen bundle".`);
    }
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the EventStreamWatch check: reads the watched Customer Profiles event streams, writes its own logs.',
    });
    const logGroup = config.logGroup ?? this.ownLogGroup(config);
    const vpc = this.vpcPlacement(role, config);
    const fn = new lambda.Function(this, 'Check', {
      description: `EventStreamWatch ${this.watchName}: reads the watched event streams and writes their metrics (EMF)`,
      runtime: NODEJS_24,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(WATCH_ASSET),
      memorySize: 256,
      timeout: Duration.seconds(watchTimeoutSeconds(plan.groups, plan.rate, this.interval.toSeconds())),
      role: iam.Role.fromRoleArn(this, 'CheckRole', role.roleArn, { mutable: false }),
      logGroup,
      tracing: tracingEnabled(config) ? config.tracing : undefined,
      // A failed check is reported by the check alarm and the next one comes anyway: no retries.
      retryAttempts: 0,
      ...vpc,
    });

    const ownAccount = plan.groups.filter((g) => g.roleArn === undefined);
    const arns = profileArns(stack);
    const listed = ownAccount.filter((g) => g.eventStreamNames.length > 1);
    const listStatement = listed.length === 0 ? undefined : {
      Effect: 'Allow',
      Action: 'profile:ListEventStreams',
      Resource: unique(listed.map((g) => arns.arn(g.region, `domains/${g.domainName}`))),
    };
    const roles = unique(plan.groups.flatMap((g) => (g.roleArn === undefined ? [] : [g.roleArn])));
    const tracing = tracingEnabled(config);
    const getPlan = planResources(
      ownAccount.flatMap((g) => g.eventStreamNames.map((eventStreamName) => ({ region: g.region, domainName: g.domainName, eventStreamName }))),
      arns,
      getEventStreamBudget({ assumedRoles: roles, statements: listStatement ? [listStatement] : [], tracing }),
    );
    const statements: unknown[] = [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.logGroupArn },
    ];
    if (listStatement) {
      statements.push(listStatement);
    }
    if (getPlan.arns.length > 0) {
      statements.push({ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: getPlan.arns });
    }
    if (roles.length > 0) {
      statements.push({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roles });
    }
    const policy = new iam.CfnPolicy(this, 'Policy', {
      policyName: 'EventStreamWatch',
      roles: [role.roleName],
      policyDocument: { Version: '2012-10-17', Statement: statements },
    });
    // The function must not run before it may read and log.
    fn.node.addDependency(policy);
    const tracingPolicy = tracing ? new iam.CfnPolicy(this, 'TracingPolicy', {
      policyName: 'EventStreamWatchTracing',
      roles: [role.roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
      },
    }) : undefined;
    this.node.addValidation({ validate: () => (acknowledgePatterns(policy, getPlan), []) });
    return { fn, role, policy, logGroup, tracingPolicy };
  }

  private ownLogGroup(config: EventStreamLookupProviderProps): logs.LogGroup {
    if (config.logEncryptionKey) {
      allowLogsToUseKey(this, config.logEncryptionKey);
    }
    return new logs.LogGroup(this, 'Logs', {
      retention: config.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: config.logRemovalPolicy,
      encryptionKey: config.logEncryptionKey,
    });
  }

  /** The provider's VPC placement: its subnets, and its security groups or an HTTPS-only one of the watch's own. */
  private vpcPlacement(role: iam.Role, config: EventStreamLookupProviderProps): Partial<lambda.FunctionProps> {
    const vpc = config.vpc;
    if (!vpc) {
      return {};
    }
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${VPC_MANAGED_POLICY}`));
    let groups = config.securityGroups;
    if (!groups || groups.length === 0) {
      const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc,
        description: 'EventStreamWatch check: outbound HTTPS only',
        allowAllOutbound: false,
      });
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Customer Profiles and STS');
      groups = [group];
    }
    return { vpc, vpcSubnets: config.vpcSubnets, securityGroups: groups };
  }
}

/** The streams grouped by where and how they are read: one group per region, role, external ID and domain. */
export function groupsOf(streams: readonly IEventStream[]): WatchGroup[] {
  const groups = new Map<string, { region: string; roleArn?: string; externalId?: string; domainName: string; eventStreamNames: string[] }>();
  for (const s of streams) {
    const key = JSON.stringify([s.region, s.roleArn ?? null, s.externalId ?? null, s.domainName]);
    let group = groups.get(key);
    if (!group) {
      group = { region: s.region, roleArn: s.roleArn, externalId: s.externalId, domainName: s.domainName, eventStreamNames: [] };
      groups.set(key, group);
    }
    group.eventStreamNames.push(s.eventStreamName);
  }
  return [...groups.values()];
}

function validateStreams(streams: IEventStream[]): void {
  if (streams.length === 0 || streams.length > MAX_WATCHED_STREAMS) {
    throw new Error(`EventStreamWatch: streams has ${streams.length} streams, expected 1 to ${MAX_WATCHED_STREAMS} (split more over several watches).`);
  }
  const seen = new Map<string, IEventStream>();
  for (const stream of streams) {
    const key = `${stream.domainName}/${stream.eventStreamName}`;
    const earlier = seen.get(key);
    if (earlier) {
      throw new Error(
        `EventStreamWatch: ${describeStream(stream)} and ${describeStream(earlier)} have the same domain and stream name: their metrics (dimensions DomainName and EventStreamName) would be one. Watch them in two watches, in two stacks of different regions or accounts.`,
      );
    }
    seen.set(key, stream);
  }
}

function validateInterval(name: string, value: Duration, maxMinutes: number): Duration {
  if (Token.isUnresolved(value.toSeconds()) || value.toSeconds() % 60 !== 0 || value.toMinutes() < 1 || value.toMinutes() > maxMinutes) {
    throw new Error(`EventStreamWatch: ${name} is ${value.toHumanString()}, expected whole minutes from 1 to ${maxMinutes} (CloudWatch periods are multiples of 60 seconds).`);
  }
  return value;
}

function describeStream(stream: IEventStream): string {
  const name = (value: string) => (Token.isUnresolved(value) ? '(a token)' : value);
  const where = Construct.isConstruct(stream) ? ` ('${stream.node.path}')` : '';
  return `event stream '${name(stream.eventStreamName)}' of domain '${name(stream.domainName)}'${where}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
