/**
 * One JSON line per log entry. The ResponseURL (a presigned credential) and the external ID never
 * reach the logs.
 */

/** Writes one structured log line; never throws, whatever `fields` holds. */
export function log(message: string, fields: object = {}): void {
  let line: string;
  try {
    line = JSON.stringify({ message, ...fields });
  } catch {
    line = JSON.stringify({ message, fields: '[unserializable]' });
  }
  console.log(line);
}

/** The event as safe to log: secrets replaced by markers, everything else kept for debugging. */
export function redactEvent(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { event: typeof event };
  }
  const e = event as Record<string, unknown>;
  const properties = e.ResourceProperties;
  return {
    ...e,
    ResponseURL: e.ResponseURL === undefined ? undefined : '[redacted]',
    ResourceProperties: redactProperties(properties),
    OldResourceProperties: redactProperties(e.OldResourceProperties),
  };
}

function redactProperties(properties: unknown): unknown {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    return properties;
  }
  const p = properties as Record<string, unknown>;
  return p.ExternalId === undefined ? p : { ...p, ExternalId: '[redacted]' };
}
