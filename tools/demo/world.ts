import { RehearsalEnvironment } from '../rehearsal/environment';

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

/** Seeds the stand-ins of `env` with the retail world. */
export function seedRetailWorld(env: RehearsalEnvironment): void {
  const w = RETAIL_WORLD;
  const kinesis = (account: string, name: string) => `arn:aws:kinesis:${w.region}:${account}:stream/${name}`;
  env.profiles
    .putStream(w.domainName, 'orders', {
      createdAt: new Date('2026-03-02T09:30:00Z'),
      state: 'RUNNING',
      destination: { uri: kinesis(w.account, 'retail-orders'), status: 'HEALTHY' },
      tags: { team: 'retail' },
    })
    .putStream(w.domainName, 'returns', {
      createdAt: new Date('2026-05-20T14:00:00Z'),
      state: 'STOPPED',
      stoppedSince: new Date('2026-11-30T08:00:00Z'),
      destination: {
        uri: kinesis(w.account, 'retail-returns'),
        status: 'UNHEALTHY',
        unhealthySince: new Date('2026-11-30T07:55:00Z'),
        message: 'Kinesis stream retail-returns: AccessDeniedException on PutRecords',
      },
    });
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
