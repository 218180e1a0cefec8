import { CustomerProfilesClient, GetEventStreamCommand, GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleError } from './reasons';

import { HANDLER_TIMING } from './timing';
import { LookupSpec } from '../src/wire/properties';

/**
 * The edge to AWS. Endpoints come from the SDK's defaults, so `AWS_ENDPOINT_URL_CUSTOMER_PROFILES`,
 * `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL` work (that is how tests reach a local stand-in).
 */

/**
 * SDK retries for throttling, 5xx and timeouts of STS and CloudFormation, within the time guard's budget. Without
 * `throwOnRequestTimeout` the SDK only warns about a request that never answers.
 */
const CLIENT_CONFIG = {
  maxAttempts: 4,
  retryMode: 'standard',
  requestHandler: {
    connectionTimeout: HANDLER_TIMING.sdkConnectionTimeoutMs,
    requestTimeout: HANDLER_TIMING.sdkRequestTimeoutMs,
    throwOnRequestTimeout: true,
  },
} as const;

/**
 * GetEventStream makes one attempt per call: the lookup retries throttling, 5xx and timeouts itself,
 * with jitter, for as long as its budget allows (lambda/lookup.ts), and counts them for its Reason.
 */
const PROFILES_CONFIG = { ...CLIENT_CONFIG, maxAttempts: 1 } as const;

/**
 * The clients only some lookups need, each a bundle file of its own next to index.js (the bundler
 * leaves these requires to Node.js, projenrc/handler-bundles.ts): a cold start neither reads nor parses them. In
 * tests they resolve to lambda/sts.ts and lambda/cloudformation.ts.
 */
export const onDemand = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sts: () => require('./sts') as typeof import('./sts'),
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cloudformation: () => require('./cloudformation') as typeof import('./cloudformation'),
};

/** Own-account clients survive warm invocations; clients with assumed credentials do not. */
const clients = new Map<string, CustomerProfilesClient>();

/** Calls GetEventStream for the spec, assuming its role first when it has one. */
export async function fetchEventStream(spec: LookupSpec, abortSignal: AbortSignal): Promise<GetEventStreamCommandOutput> {
  const client = spec.roleArn ? await assumedClient(spec, abortSignal) : ownClient(spec.region);
  return client.send(
    new GetEventStreamCommand({ DomainName: spec.domainName, EventStreamName: spec.eventStreamName }),
    { abortSignal },
  );
}

function ownClient(region: string): CustomerProfilesClient {
  let client = clients.get(region);
  if (!client) {
    client = new CustomerProfilesClient({ ...PROFILES_CONFIG, region });
    clients.set(region, client);
  }
  return client;
}

async function assumedClient(spec: LookupSpec, abortSignal: AbortSignal): Promise<CustomerProfilesClient> {
  // Loaded on first use, from a bundle file of its own: most stacks never assume a role.
  const { STSClient, AssumeRoleCommand } = onDemand.sts();
  const sts = new STSClient({ ...CLIENT_CONFIG, region: process.env.AWS_REGION ?? spec.region });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: spec.roleArn,
        RoleSessionName: 'event-stream-lookup',
        ExternalId: spec.externalId,
        DurationSeconds: 900,
      }),
      { abortSignal },
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error('AssumeRole returned no credentials');
    }
    return new CustomerProfilesClient({
      ...PROFILES_CONFIG,
      region: spec.region,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
    });
  } catch (error) {
    throw new AssumeRoleError(spec.roleArn!, error);
  } finally {
    sts.destroy();
  }
}

/**
 * The status of the stack that sent the event (`DescribeStacks` on its StackId, with the function's
 * own credentials: the stack is in the function's account and region, whatever role a lookup assumes).
 */
export async function describeStackStatus(stackId: string, abortSignal: AbortSignal): Promise<string> {
  // Loaded on first use, from a bundle file of its own: only an Update that would fail or wait asks
  // (see lambda/rollback.ts).
  const { CloudFormationClient, DescribeStacksCommand } = onDemand.cloudformation();
  const region = stackId.split(':')[3] || process.env.AWS_REGION;
  // Fewer attempts than a lookup: a rollback must answer quickly, and 'unknown' is a safe answer.
  const cloudformation = new CloudFormationClient({ ...CLIENT_CONFIG, maxAttempts: 3, region });
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }), { abortSignal });
    const status = Stacks?.[0]?.StackStatus;
    if (!status) {
      throw new Error('DescribeStacks returned no stack status');
    }
    return status;
  } finally {
    cloudformation.destroy();
  }
}
