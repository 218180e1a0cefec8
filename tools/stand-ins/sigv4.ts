import { IncomingMessage } from 'http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** Credentials a stand-in accepts; anything signed with other keys is refused. */
export interface StandInCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The stand-ins' one identity: child processes get it as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
export const TEST_CREDENTIALS: StandInCredentials = {
  accessKeyId: 'AKIDSTANDIN000000001',
  secretAccessKey: 'stand-in-secret-key-not-a-real-one/000001',
  sessionToken: 'stand-in-session-token',
};

/** The environment that makes an SDK (in the handler or the CDK CLI) sign as the test identity, in `region`. */
export function testIdentityVariables(region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken!,
  };
}

/** Why a request's signature was refused, in the service's own words. */
export interface SignatureProblem {
  readonly type: 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
  readonly message: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Checks a request's SigV4 signature by signing it again with the known secret: same canonical
 * request, same scope (`region`, `service`), same signed headers, same date.
 */
export async function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  expected: { credentials: StandInCredentials | StandInCredentials[]; service: string; region?: string },
): Promise<SignatureProblem | undefined> {
  const header = req.headers.authorization;
  if (!header) {
    return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  }
  const match = AUTH.exec(header);
  if (!match) {
    return { type: 'InvalidSignatureException', message: 'Authorization header is not AWS4-HMAC-SHA256' };
  }
  const [, accessKeyId, , region, service, signedHeaders, signature] = match;
  const credentials = [expected.credentials].flat().find((c) => c.accessKeyId === accessKeyId);
  if (!credentials) {
    return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (service !== expected.service) {
    return { type: 'InvalidSignatureException', message: `Credential should be scoped to correct service: '${expected.service}'.` };
  }
  if (expected.region && region !== expected.region) {
    return { type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region, not '${region}'.` };
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return { type: 'InvalidSignatureException', message: 'Missing or malformed X-Amz-Date.' };
  }
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) {
    return { type: 'InvalidSignatureException', message: 'host and x-amz-date must be signed.' };
  }
  if (credentials.sessionToken && req.headers['x-amz-security-token'] !== credentials.sessionToken) {
    return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }

  const url = new URL(req.url ?? '/', 'http://stand-in');
  const headers: Record<string, string> = {};
  for (const name of names) {
    headers[name] = String(req.headers[name] ?? '');
  }
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: String(req.headers.host ?? ''),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body.length > 0 ? body : undefined,
    },
    { signingDate: toDate(amzDate), signableHeaders: new Set(names) },
  );
  const recomputed = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
  if (recomputed !== signature) {
    return {
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  return undefined;
}

function toDate(amzDate: string): Date {
  const iso = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`;
  return new Date(iso);
}
