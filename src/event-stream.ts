import * as kinesis from 'aws-cdk-lib/aws-kinesis';

/**
 * State of a Customer Profiles event stream.
 */
export enum EventStreamState {
  /** The stream delivers profile events to its destination. */
  RUNNING = 'RUNNING',
  /** The stream has stopped delivering (see `stoppedSince` and the destination's message). */
  STOPPED = 'STOPPED',
}

/**
 * An existing Customer Profiles event stream, as a lookup found it.
 *
 * Implemented by `EventStreamLookup` (deploy time: the values are CloudFormation attributes, read
 * when the stack deploys) and by the result of `EventStreamLookup.fromLookup` (synth time: the values
 * are plain strings, read by the CDK CLI and cached in `cdk.context.json`). A construct of yours that
 * takes an `IEventStream` works with either; `EventStreamWatch` watches either after deployment,
 * reading it where and as the lookup read it (`region`, `roleArn`, `externalId`).
 */
export interface IEventStream {
  /** ARN of the event stream. */
  readonly eventStreamArn: string;
  /** ARN of the destination the stream delivers to (a Kinesis data stream). */
  readonly destinationUri: string;
  /** State of the stream, `RUNNING` or `STOPPED`, when it was looked up. */
  readonly state: string;
  /** When the stream was created, as an ISO-8601 timestamp with milliseconds (`2026-03-02T09:30:00.000Z`). */
  readonly createdAt: string;
  /** The destination Kinesis data stream, imported from `destinationUri`, for grants and event sources. */
  readonly destinationStream: kinesis.IStream;
  /** Name of the Customer Profiles domain that holds the stream, as the lookup was given it. */
  readonly domainName: string;
  /** Name of the event stream, as the lookup was given it. */
  readonly eventStreamName: string;
  /** Region the stream lives in: the lookup's `region`, else its stack's. */
  readonly region: string;
  /**
   * Role assumed to read the stream (a stream in another account), if any.
   *
   * @default - the stream is read with the reader's own credentials, in the stack's account
   */
  readonly roleArn?: string;
  /**
   * External ID passed when assuming `roleArn`, if any.
   *
   * @default - no external ID
   */
  readonly externalId?: string;
}
