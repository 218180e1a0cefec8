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
 * takes an `IEventStream` works with either.
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
}
