import { DIMENSIONS, STREAM_METRICS, WATCH_METRICS, WATCH_NAMESPACE } from '../../src/wire/watch';

/**
 * The check's metrics as CloudWatch embedded metric format (EMF) documents, one JSON line each on
 * stdout: Lambda sends them to CloudWatch Logs, which extracts the metrics, so the function needs no
 * `cloudwatch:PutMetricData`. Written by hand (a few lines): the EMF libraries cost 25-40 ms of cold
 * start for what these functions do (see README, "Watching streams after deployment").
 */

/** What a check learnt of one stream; `undefined` facts were not read. */
export interface StreamReading {
  readonly domainName: string;
  readonly eventStreamName: string;
  readonly region: string;
  /** Whether the stream exists; undefined when it could not be read. */
  readonly exists?: boolean;
  readonly state?: string;
  readonly destinationStatus?: string;
  /** Why the stream could not be read. */
  readonly error?: string;
}

/** One EMF document per read stream, and one with the watch's counts. */
export function emfDocuments(watch: string, readings: readonly StreamReading[], timestamp: number): object[] {
  const documents: object[] = [];
  for (const r of readings) {
    if (r.exists === undefined) {
      continue;
    }
    const values: Record<string, number> = { [STREAM_METRICS.exists]: r.exists ? 1 : 0 };
    if (r.exists) {
      values[STREAM_METRICS.running] = r.state === 'RUNNING' ? 1 : 0;
      values[STREAM_METRICS.destinationHealthy] = r.destinationStatus === 'HEALTHY' ? 1 : 0;
    }
    documents.push(document(timestamp, [DIMENSIONS.domainName, DIMENSIONS.eventStreamName], values, {
      [DIMENSIONS.domainName]: r.domainName,
      [DIMENSIONS.eventStreamName]: r.eventStreamName,
      // Context for Logs Insights, not dimensions.
      Region: r.region,
      ...(r.state !== undefined ? { State: r.state } : {}),
      ...(r.destinationStatus !== undefined ? { DestinationStatus: r.destinationStatus } : {}),
    }));
  }
  const count = (test: (r: StreamReading) => boolean) => readings.filter(test).length;
  const unread = count((r) => r.exists === undefined);
  // Counts over only the streams read would clear an alarm for a stream that could not be read:
  // while any stream is unread, only StreamsUnread is written, and the other alarms keep their state.
  const counts: Record<string, number> = unread > 0 ? {} : {
    [WATCH_METRICS.notRunning]: count((r) => r.exists === true && r.state !== 'RUNNING'),
    [WATCH_METRICS.unhealthy]: count((r) => r.exists === true && r.destinationStatus !== 'HEALTHY'),
    [WATCH_METRICS.missing]: count((r) => r.exists === false),
  };
  const members = { [DIMENSIONS.watch]: watch, Streams: readings.length };
  documents.push(document(timestamp, [DIMENSIONS.watch], { ...counts, [WATCH_METRICS.unread]: unread }, members));
  return documents;
}

function document(timestamp: number, dimensions: string[], values: Record<string, number>, members: Record<string, unknown>): object {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{
        Namespace: WATCH_NAMESPACE,
        Dimensions: [dimensions],
        Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: 'Count' })),
      }],
    },
    ...members,
    ...values,
  };
}
