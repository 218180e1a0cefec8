import {
  CustomerProfilesClient,
  GetEventStreamCommand,
  GetEventStreamCommandOutput,
  ListEventStreamsCommand,
  ListEventStreamsCommandOutput,
} from '@aws-sdk/client-customer-profiles';
import { WatchGroup } from '../../src/wire/watch';

/**
 * The watch's edge to AWS: one Customer Profiles client per region (and per assumed role), each
 * making one attempt per call (the check paces and retries itself, within its budget). Endpoints
 * come from the SDK's defaults, so `AWS_ENDPOINT_URL_CUSTOMER_PROFILES` and `AWS_ENDPOINT_URL_STS`
 * reach local stand-ins in tests.
 */

const CLIENT_CONFIG = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 8_000, throwOnRequestTimeout: true },
} as const;

/** The calls a check makes, for the group's region and credentials. */
export interface WatchApi {
  listEventStreams(group: WatchGroup, nextToken: string | undefined, abortSignal: AbortSignal): Promise<ListEventStreamsCommandOutput>;
  getEventStream(group: WatchGroup, eventStreamName: string, abortSignal: AbortSignal): Promise<GetEventStreamCommandOutput>;
}

/** Raised when the group's role cannot be assumed: every stream of the group is unread. */
export class AssumeRoleFailed extends Error {
  constructor(roleArn: string, cause: unknown) {
    super(`could not assume ${roleArn}: ${(cause as Error)?.name ?? 'Error'}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'AssumeRoleFailed';
  }
}

/** Own-account clients survive warm invocations. */
const ownClients = new Map<string, CustomerProfilesClient>();

/** The SDK behind WatchApi; assumed credentials live for one check (`clients` is per invocation). */
export function sdkWatchApi(): WatchApi {
  const assumed = new Map<string, Promise<CustomerProfilesClient>>();
  const clientFor = (group: WatchGroup, abortSignal: AbortSignal): Promise<CustomerProfilesClient> => {
    if (group.roleArn === undefined) {
      let client = ownClients.get(group.region);
      if (!client) {
        client = new CustomerProfilesClient({ ...CLIENT_CONFIG, region: group.region });
        ownClients.set(group.region, client);
      }
      return Promise.resolve(client);
    }
    const key = `${group.region}|${group.roleArn}|${group.externalId ?? ''}`;
    let client = assumed.get(key);
    if (!client) {
      client = assumeRole(group, abortSignal);
      // A failed AssumeRole is tried again by the next group that needs it, not cached.
      client.catch(() => assumed.delete(key));
      assumed.set(key, client);
    }
    return client;
  };
  return {
    listEventStreams: async (group, nextToken, abortSignal) =>
      (await clientFor(group, abortSignal)).send(
        new ListEventStreamsCommand({ DomainName: group.domainName, NextToken: nextToken, MaxResults: 100 }),
        { abortSignal },
      ),
    getEventStream: async (group, eventStreamName, abortSignal) =>
      (await clientFor(group, abortSignal)).send(
        new GetEventStreamCommand({ DomainName: group.domainName, EventStreamName: eventStreamName }),
        { abortSignal },
      ),
  };
}

async function assumeRole(group: WatchGroup, abortSignal: AbortSignal): Promise<CustomerProfilesClient> {
  // Loaded on first use: most watches read their own account only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { STSClient, AssumeRoleCommand } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
  const sts = new STSClient({ maxAttempts: 3, region: process.env.AWS_REGION ?? group.region });
  try {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({
      RoleArn: group.roleArn,
      RoleSessionName: 'event-stream-watch',
      ExternalId: group.externalId,
      DurationSeconds: 900,
    }), { abortSignal });
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error('AssumeRole returned no credentials');
    }
    return new CustomerProfilesClient({
      ...CLIENT_CONFIG,
      region: group.region,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
    });
  } catch (error) {
    throw new AssumeRoleFailed(group.roleArn!, error);
  } finally {
    sts.destroy();
  }
}
