import { RehearsalEnvironment } from '../rehearsal/environment';
import { CloudControlStandIn } from '../stand-ins/cloud-control';
import { StandInStream } from '../stand-ins/customer-profiles';

/**
 * The world `examples/retail-lookups` is rehearsed against: the domain `retail-profiles` with one
 * RUNNING stream delivering to a HEALTHY destination (`orders`), one STOPPED stream whose destination
 * is UNHEALTHY (`returns`), no `archive` stream; and a partner account whose role lets the lookup in
 * with the agreed external ID, holding its own `orders` stream.
 */
export const RETAIL_WORLD = {
  account: '123456789012',
  region: 'us-east-1',
  domainName: 'retail-profiles',
  partnerAccount: '210987654321',
  partnerDomain: 'partner-profiles',
  partnerRole: 'arn:aws:iam::210987654321:role/ProfilesReader',
  partnerExternalId: 'profiles-lookups',
} as const;

const kinesis = (account: string, name: string) => `arn:aws:kinesis:${RETAIL_WORLD.region}:${account}:stream/${name}`;

/** The event streams of the domain `retail-profiles`, by name. */
export const RETAIL_STREAMS: Record<'orders' | 'returns', StandInStream> = {
  orders: {
    createdAt: new Date('2026-03-02T09:30:00Z'),
    state: 'RUNNING',
    destination: { uri: kinesis(RETAIL_WORLD.account, 'retail-orders'), status: 'HEALTHY' },
    tags: { team: 'retail' },
  },
  returns: {
    createdAt: new Date('2026-05-20T14:00:00Z'),
    state: 'STOPPED',
    stoppedSince: new Date('2026-11-30T08:00:00Z'),
    destination: {
      uri: kinesis(RETAIL_WORLD.account, 'retail-returns'),
      status: 'UNHEALTHY',
      unhealthySince: new Date('2026-11-30T07:55:00Z'),
      message: 'Kinesis stream retail-returns: AccessDeniedException on PutRecords',
    },
  },
};

/** Seeds the stand-ins of `env` with the retail world. */
export function seedRetailWorld(env: RehearsalEnvironment): void {
  const w = RETAIL_WORLD;
  env.profiles
    .putStream(w.domainName, 'orders', RETAIL_STREAMS.orders)
    .putStream(w.domainName, 'returns', RETAIL_STREAMS.returns);
  env.sts.addRole(w.partnerRole, { externalId: w.partnerExternalId });
  env.profiles.putStream(w.partnerDomain, 'orders', {
    eventStreamArn: `arn:aws:profile:${w.region}:${w.partnerAccount}:domains/${w.partnerDomain}/event-streams/orders`,
    createdAt: new Date('2026-07-07T07:07:07Z'),
    state: 'RUNNING',
    destination: { uri: kinesis(w.partnerAccount, 'partner-orders'), status: 'HEALTHY' },
  });
}

/** Between two deployments, the `orders` stream stops: the gated lookup's next update fails. */
export function stopOrders(env: RehearsalEnvironment): void {
  const w = RETAIL_WORLD;
  env.profiles.putStream(w.domainName, 'orders', {
    createdAt: new Date('2026-03-02T09:30:00Z'),
    state: 'STOPPED',
    stoppedSince: new Date('2026-12-01T06:00:00Z'),
    destination: { uri: `arn:aws:kinesis:${w.region}:${w.account}:stream/retail-orders`, status: 'HEALTHY' },
  });
}

/** Seeds the Cloud Control stand-in (synth-time lookups) with the same streams of `retail-profiles`. */
export function seedRetailCloudControl(cloudControl: CloudControlStandIn): void {
  for (const [name, stream] of Object.entries(RETAIL_STREAMS)) {
    cloudControl.putStream(RETAIL_WORLD.domainName, name, stream);
  }
}
