import * as kinesis from 'aws-cdk-lib/aws-kinesis';

/**
 * The facts of an event stream that both kinds of lookup give.
 *
 * Implemented by `EventStreamLookup` (deploy time: the values are CloudFormation attributes, read
 * when the stack deploys) and by the result of `EventStreamLookup.fromLookup` (synth time: the values
 * are plain strings, read by the CDK CLI and cached in `cdk.context.json`). A construct of yours that
 * takes an `IEventStreamAttributes` works with either.
 */
export interface IEventStreamAttributes {
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
