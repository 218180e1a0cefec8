import { App, Duration, Stack } from 'aws-cdk-lib';
import { EventStreamLookup, EventStreamLookupProps, EventStreamState, REFRESH_CONTEXT_KEY } from '../../src';

/**
 * One app, one stack per end-to-end scenario, each looking up its own stream of one domain, so a
 * single synth serves every rehearsal test and scripted answers never cross.
 */

export const DOMAIN = 'e2e-profiles';
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTNER_ROLE = 'arn:aws:iam::210987654321:role/ProfilesReader';
export const PARTNER_EXTERNAL_ID = 'consumer-stack';

export const SCENARIOS: Record<string, Omit<EventStreamLookupProps, 'domainName'>> = {
  Plain: { eventStreamName: 'plain' },
  Missing: { eventStreamName: 'missing' },
  MissingAllowed: { eventStreamName: 'missing-allowed', failIfMissing: false },
  Denied: { eventStreamName: 'denied' },
  BadRequest: { eventStreamName: 'bad-request' },
  Throttled: { eventStreamName: 'throttled' },
  Flaky: { eventStreamName: 'flaky' },
  Hanging: { eventStreamName: 'hanging' },
  Oversized: { eventStreamName: 'oversized' },
  Gated: { eventStreamName: 'stopped', requiredState: EventStreamState.RUNNING, requireHealthyDestination: true },
  Waiting: { eventStreamName: 'starting', requiredState: EventStreamState.RUNNING, waitTimeout: Duration.seconds(30) },
  WaitRunsOut: { eventStreamName: 'stays-stopped', requiredState: EventStreamState.RUNNING, waitTimeout: Duration.seconds(3) },
  CrossAccount: { eventStreamName: 'partner', roleArn: PARTNER_ROLE, externalId: PARTNER_EXTERNAL_ID },
  WrongExternalId: { eventStreamName: 'partner', roleArn: PARTNER_ROLE, externalId: 'not-the-agreed-id' },
};

export function scenarioApp(outdir: string): App {
  const app = new App({ outdir, context: { [REFRESH_CONTEXT_KEY]: 'e2e' } });
  for (const [name, props] of Object.entries(SCENARIOS)) {
    const stack = new Stack(app, name, { env: { account: ACCOUNT, region: REGION } });
    new EventStreamLookup(stack, 'Lookup', { domainName: DOMAIN, ...props });
  }
  return app;
}
