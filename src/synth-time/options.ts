/**
 * Options of `EventStreamLookup.fromLookup`, the synth-time lookup.
 */
export interface SynthTimeLookupOptions {
  /**
   * Name of the Customer Profiles domain that holds the event stream.
   *
   * 1-64 letters, digits, `_` or `-`, known at synth time (no tokens).
   */
  readonly domainName: string;

  /**
   * Name of the event stream to look up.
   *
   * 1-64 letters, digits, `_` or `-`, known at synth time (no tokens).
   */
  readonly eventStreamName: string;

  /**
   * Region the event stream lives in, known at synth time (no tokens).
   *
   * @default - the stack's region
   */
  readonly region?: string;
}
