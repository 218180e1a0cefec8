import { Duration } from 'aws-cdk-lib';
import { IEventStream } from '../event-stream';

/**
 * Properties of an EventStreamWatch: which streams to read after deployment, and how often.
 */
export interface EventStreamWatchProps {
  /**
   * The streams to watch: lookups of either mode (`new EventStreamLookup(...)` or `EventStreamLookup.fromLookup(...)`).
   *
   * Each is read where and as its lookup reads it (its region, and its role and external ID for a
   * stream in another account). 1-100 streams, no two with the same domain and stream name (their
   * metrics would be one).
   */
  readonly streams: IEventStream[];

  /**
   * How often the check reads the streams: whole minutes, from 1 to 60.
   *
   * Also the period of the watch's metrics and alarms.
   *
   * @default Duration.minutes(5)
   */
  readonly interval?: Duration;

  /**
   * Adds one alarm per watched stream that goes to ALARM when its destination received no event
   * (`AWS/CustomerProfiles` `EventsProcessed`) for this long: whole minutes, from 1 minute to 1 day.
   *
   * Off by default because a quiet stream has not stopped: set it to the longest silence your
   * profile traffic never has. Only for streams in the stack's account and region (CloudWatch alarms
   * read their own account's and region's metrics); others are skipped with a warning.
   *
   * @default - no silence alarm
   */
  readonly silencePeriod?: Duration;
}
