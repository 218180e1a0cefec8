import { Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IEventStream } from '../event-stream';
import { WatchGroup } from '../wire/watch';

/** The watched streams and the watch's durations: synth-time checks, grouping and naming. */

/** Most streams one watch reads (its scheduled event carries them all, at most 8,192 characters). */
export const MAX_WATCHED_STREAMS = 100;

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

export function validateStreams(streams: IEventStream[]): void {
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

export function validateInterval(name: string, value: Duration, maxMinutes: number): Duration {
  if (Token.isUnresolved(value.toSeconds()) || value.toSeconds() % 60 !== 0 || value.toMinutes() < 1 || value.toMinutes() > maxMinutes) {
    throw new Error(`EventStreamWatch: ${name} is ${value.toHumanString()}, expected whole minutes from 1 to ${maxMinutes} (CloudWatch periods are multiples of 60 seconds).`);
  }
  return value;
}

export function describeStream(stream: IEventStream): string {
  const name = (value: string) => (Token.isUnresolved(value) ? '(a token)' : value);
  const where = Construct.isConstruct(stream) ? ` ('${stream.node.path}')` : '';
  return `event stream '${name(stream.eventStreamName)}' of domain '${name(stream.domainName)}'${where}`;
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
