import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeWatchCompliance } from './acknowledgements';
import { buildCheckFunction } from './check-function';
import { EventStreamWatchProps } from './props';
import { describeStream, groupsOf, validateInterval, validateStreams } from './streams';
import { IEventStream } from '../event-stream';
import { followConfiguration } from '../provider/followers';
import { estimateLength } from '../provider/resource-plan';
import { parseApiRate } from '../timeouts';
import { API_RATE_CONTEXT_KEY } from '../wire/storm';
import { DIMENSIONS, encodeWatchPlan, MAX_INPUT_LENGTH, STREAM_METRICS, WATCH_METRICS, WATCH_NAMESPACE, WatchPlan } from '../wire/watch';

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

    const config = followConfiguration(stack, `the watch '${this.node.path}'`);
    const { fn, role, policy, logGroup, tracingPolicy } = buildCheckFunction(this, this.watchName, this.interval, config, plan);
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
}
