import { Arn, ArnFormat, CfnResource, CustomResource, Lazy, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { EventStreamLookupProps } from './props';
import { REFRESH_CONTEXT_KEY, refreshToken } from './refresh';
import { importDestination } from '../destination';
import { IEventStream } from '../event-stream';
import { EventStreamLookupProvider } from '../provider/provider';
import { register, stormPlanOf } from '../provider/registrations';
import { lookUpAtSynthTime } from '../synth-time/from-lookup';
import { SynthTimeLookupOptions } from '../synth-time/options';
import { serviceTimeoutSeconds } from '../timeouts';
import { validateName, validateRegion, validateRole, validateWaitTimeout } from '../validation';
import { AttributeName } from '../wire/attributes';
import { encodeProperties, RESOURCE_TYPE } from '../wire/properties';
import { API_RATE_CONTEXT_KEY } from '../wire/storm';

/**
 * Looks up an existing Amazon Connect Customer Profiles event stream at deploy time.
 *
 * A Lambda-backed custom resource calls `GetEventStream` and returns the stream's facts as
 * CloudFormation attributes; it can fail the deployment unless the stream is in the required
 * state. Every lookup of a stack shares one function and one role. Deleting a lookup never calls
 * an API: it owns nothing.
 *
 * @example
 * const orders = new EventStreamLookup(this, 'Orders', {
 *   domainName: 'retail-profiles',
 *   eventStreamName: 'orders',
 * });
 * new CfnOutput(this, 'OrdersDestination', { value: orders.destinationUri });
 */
export class EventStreamLookup extends Construct implements IEventStream {
  /**
   * Context key that pins the trigger of `refreshOnEveryDeployment`: `cdk-event-stream-lookup:refresh-token`.
   *
   * Set it (for example to the commit id) to keep synth reproducible; unset, the synth time is used.
   */
  public static readonly REFRESH_CONTEXT_KEY: string = REFRESH_CONTEXT_KEY;

  /**
   * Context key that replaces the GetEventStream rate the timeouts are sized for: `cdk-event-stream-lookup:api-rate`.
   *
   * A string `"REQUESTS_PER_SECOND/BURST"`; unset, the documented default of `"5/10"` is planned for.
   * Set it when the account's quota was raised.
   */
  public static readonly API_RATE_CONTEXT_KEY: string = API_RATE_CONTEXT_KEY;

  /**
   * Looks up an existing event stream at synth time, through the CDK CLI's Cloud Control context provider.
   *
   * The CLI reads the stream once (Cloud Control `GetResource` of `AWS::CustomerProfiles::EventStream`)
   * and caches what it read in `cdk.context.json`; every later synth uses the cached values, which are
   * plain strings (usable in conditions, names and exact IAM ARNs). No Lambda function, no custom
   * resource, no call at deploy time. The stack needs an explicit account and region, and the names
   * must be literal. A stream that does not exist fails synth, and nothing is cached. Run
   * `cdk context --reset KEY` to read a stream again.
   *
   * @example
   * const orders = EventStreamLookup.fromLookup(this, 'Orders', {
   *   domainName: 'retail-profiles',
   *   eventStreamName: 'orders',
   * });
   * new CfnOutput(this, 'OrdersDestination', { value: orders.destinationUri });
   *
   * @param scope the construct to add the lookup to (its stack gives the account, and the region by default)
   * @param id the lookup's construct id, unique within `scope`
   * @param options which stream to look up
   */
  public static fromLookup(scope: Construct, id: string, options: SynthTimeLookupOptions): IEventStream {
    return lookUpAtSynthTime(scope, id, options);
  }

  /** ARN of the event stream. */
  public readonly eventStreamArn: string;
  /** ARN of the destination the stream delivers to (a Kinesis data stream). */
  public readonly destinationUri: string;
  /** State of the stream, `RUNNING` or `STOPPED`, when the lookup ran. */
  public readonly state: string;
  /** Status of the destination, `HEALTHY` or `UNHEALTHY`, when the lookup ran. */
  public readonly destinationStatus: string;
  /** The destination's status message (truncated to fit the custom-resource response), or empty. */
  public readonly destinationMessage: string;
  /** When the stream was created, as an ISO-8601 timestamp with milliseconds. */
  public readonly createdAt: string;
  /** Since when the stream is stopped, as an ISO-8601 timestamp, or empty. */
  public readonly stoppedSince: string;
  /** Since when the destination is unhealthy, as an ISO-8601 timestamp, or empty. */
  public readonly unhealthySince: string;
  /** `'true'` if the stream exists, `'false'` if it does not (only when `failIfMissing` is `false`). */
  public readonly exists: string;
  /** Name of the Customer Profiles domain that holds the stream (the prop). */
  public readonly domainName: string;
  /** Name of the event stream (the prop). */
  public readonly eventStreamName: string;
  /** Region the stream lives in: the `region` prop, else the stack's. */
  public readonly region: string;
  /** Role assumed to read the stream, if any (the prop). */
  public readonly roleArn?: string;
  /** External ID passed when assuming `roleArn`, if any (the prop). */
  public readonly externalId?: string;
  private readonly resource: CustomResource;
  private readonly mayBeMissing: boolean;
  /** Where the domain, and so its destination, lives: the lookup's region, and the roleArn's account or the stack's. */
  private readonly home: { readonly region: string; readonly account: string };
  private destination?: kinesis.IStream;

  /**
   * @param scope the construct to add the lookup to (its stack gets the shared provider)
   * @param id the lookup's construct id, unique within `scope`
   * @param props which stream to look up, and what to require of it
   */
  constructor(scope: Construct, id: string, props: EventStreamLookupProps) {
    super(scope, id);
    validateName('domainName', props.domainName);
    validateName('eventStreamName', props.eventStreamName);
    validateRegion(props.region);
    validateRole(props.roleArn, props.externalId);
    const waitSeconds = validateWaitTimeout(props.waitTimeout);

    const stack = Stack.of(this);
    this.domainName = props.domainName;
    this.eventStreamName = props.eventStreamName;
    this.region = props.region ?? stack.region;
    this.roleArn = props.roleArn;
    this.externalId = props.externalId;
    this.home = {
      region: this.region,
      account: props.roleArn !== undefined ? Arn.split(props.roleArn, ArnFormat.SLASH_RESOURCE_NAME).account! : stack.account,
    };
    register(this, {
      target: { region: props.region ?? stack.region, domainName: props.domainName, eventStreamName: props.eventStreamName },
      roleArn: props.roleArn,
      waitSeconds,
    });
    const provider = EventStreamLookupProvider.of(this);
    const properties = encodeProperties({
      domainName: props.domainName,
      eventStreamName: props.eventStreamName,
      region: props.region,
      roleArn: props.roleArn,
      externalId: props.externalId,
      requiredState: props.requiredState,
      requireHealthyDestination: props.requireHealthyDestination ?? false,
      waitSeconds,
      failIfMissing: props.failIfMissing ?? true,
      refreshToken: props.refreshOnEveryDeployment ? refreshToken(this) : undefined,
    });

    this.resource = new CustomResource(this, 'Resource', {
      resourceType: RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      properties,
    });
    // Sized for every lookup of the stack at the planned rate, so known only at synth (src/timeouts.ts).
    const cfn = this.resource.node.defaultChild as CfnResource;
    cfn.addPropertyOverride('ServiceTimeout', Lazy.string({ produce: () => String(serviceTimeoutSeconds(waitSeconds, stormPlanOf(stack))) }));
    // Delete must still find the permissions (and the log stream) in place.
    this.resource.node.addDependency(provider.permissions);
    // `Delete` is CloudFormation's default for both policies: rendering them only costs template
    // bytes (55 per lookup, a tenth of a lookup's share of the template at hundreds of lookups).
    cfn.cfnOptions.deletionPolicy = undefined;
    cfn.cfnOptions.updateReplacePolicy = undefined;

    this.eventStreamArn = this.attribute('EventStreamArn');
    this.destinationUri = this.attribute('Uri');
    this.state = this.attribute('State');
    this.destinationStatus = this.attribute('DestinationStatus');
    this.destinationMessage = this.attribute('DestinationMessage');
    this.createdAt = this.attribute('CreatedAt');
    this.stoppedSince = this.attribute('StoppedSince');
    this.unhealthySince = this.attribute('UnhealthySince');
    this.exists = this.attribute('Exists');
    this.mayBeMissing = props.failIfMissing === false;
  }

  /**
   * The destination Kinesis data stream, imported from `destinationUri`, for grants and event sources.
   *
   * Not available with `failIfMissing: false`: a missing stream's `destinationUri` is empty, and a
   * grant or event source on it would fail the deployment (IAM rejects an empty resource).
   */
  public get destinationStream(): kinesis.IStream {
    if (this.mayBeMissing) {
      throw new Error(
        `EventStreamLookup ${this.node.path}: destinationStream is not available with failIfMissing: false, because a missing stream has an empty destinationUri and IAM rejects a grant on an empty ARN at deploy time. Keep failIfMissing at true (the default) to grant on the destination, or grant on a stream you know exists (kinesis.Stream.fromStreamArn).`,
      );
    }
    this.destination ??= importDestination(this, 'DestinationStream', this.destinationUri, this.home);
    return this.destination;
  }

  private attribute(name: AttributeName): string {
    return this.resource.getAttString(name);
  }
}
