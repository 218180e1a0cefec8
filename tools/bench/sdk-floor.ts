import { fetchEventStream } from '../../lambda/aws';
import { httpPut } from '../../lambda/respond';

/**
 * The bench's floor for the cold path with the SDK kept: a handler that does nothing but the
 * handler's two edges, the GetEventStream call through the bundled client exactly as
 * lambda/aws.ts makes it and the response PUT of lambda/respond.ts, bundled with the handler's own
 * esbuild options (tools/bench/main.ts). No parsing, pacing, gates, logging or response shaping:
 * the cold path of index.js minus this is what the handler's own code costs.
 */

/** The same seam as lambda/index.ts, so that cold-start.js times the call and the PUT apart. */
export const external = { fetch: fetchEventStream, put: httpPut };

interface FloorEvent {
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceProperties: { readonly DomainName: string; readonly EventStreamName: string };
}

export async function handler(event: FloorEvent): Promise<void> {
  const props = event.ResourceProperties;
  const stream = await external.fetch(
    {
      domainName: props.DomainName,
      eventStreamName: props.EventStreamName,
      region: process.env.AWS_REGION!,
      requireHealthyDestination: false,
      waitSeconds: 0,
      failIfMissing: true,
    },
    new AbortController().signal,
  );
  const body = JSON.stringify({
    Status: 'SUCCESS',
    PhysicalResourceId: stream.EventStreamArn,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { EventStreamArn: stream.EventStreamArn },
  });
  await external.put(event.ResponseURL, body, 5000, undefined);
}
