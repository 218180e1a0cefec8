import { Duration } from 'aws-cdk-lib';
import { EventStreamState } from '../event-stream';

/**
 * Properties of an EventStreamLookup: the deploy-time lookup.
 */
export interface EventStreamLookupProps {
  /**
   * Name of the Customer Profiles domain that holds the event stream.
   *
   * 1-64 letters, digits, `_` or `-`; a CDK token is accepted and checked at deploy time.
   */
  readonly domainName: string;

  /**
   * Name of the event stream to look up.
   *
   * 1-64 letters, digits, `_` or `-`; a CDK token is accepted and checked at deploy time.
   */
  readonly eventStreamName: string;

  /**
   * Region the event stream lives in.
   *
   * @default - the stack's region
   */
  readonly region?: string;

  /**
   * IAM role to assume for the lookup, for a stream in another account.
   *
   * The role must trust the lookup's function role and allow `profile:GetEventStream`.
   *
   * @default - the lookup runs with the provider's own role, in the stack's account
   */
  readonly roleArn?: string;

  /**
   * External ID to pass when assuming `roleArn`.
   *
   * @default - no external ID
   */
  readonly externalId?: string;

  /**
   * State the stream must be in; otherwise the deployment fails.
   *
   * @default - any state is accepted
   */
  readonly requiredState?: EventStreamState;

  /**
   * Whether the stream's destination must be `HEALTHY`; otherwise the deployment fails.
   *
   * @default false
   */
  readonly requireHealthyDestination?: boolean;

  /**
   * How long to keep checking, with backoff, until the requirements hold.
   *
   * At most 14 minutes, so that the wait fits one Lambda invocation.
   *
   * @default - check once
   */
  readonly waitTimeout?: Duration;

  /**
   * Whether to look the stream up again on every deployment, not only when these props change.
   *
   * The trigger is the context value `cdk-event-stream-lookup:refresh-token` when set (pin it in
   * tests and snapshots), otherwise the synth time.
   *
   * @default false
   */
  readonly refreshOnEveryDeployment?: boolean;

  /**
   * Whether a missing stream fails the deployment.
   *
   * When `false`, a missing stream deploys with `exists` set to `'false'` and every other attribute
   * empty.
   *
   * @default true
   */
  readonly failIfMissing?: boolean;
}
