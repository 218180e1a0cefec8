import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CloudControlClient,
  CloudControlServiceException,
  GetResourceCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  TypeNotFoundException,
} from '@aws-sdk/client-cloudcontrol';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { RETAIL_STREAMS, seedRetailCloudControl } from '../../tools/demo/world';
import { EVENT_STREAM_TYPE, instantString } from '../../tools/stand-ins/cloud-control';
import { CloudControlEnvironment } from '../../tools/stand-ins/cloud-control-environment';
import { TEST_CREDENTIALS } from '../../tools/stand-ins/sigv4';

/**
 * The Cloud Control and STS stand-ins behind the synth-time lookup: the real SDK clients (the same
 * ones the CDK CLI bundles) cannot tell them from the services.
 */

let env: CloudControlEnvironment;
const cloudControl = (credentials = TEST_CREDENTIALS) =>
  new CloudControlClient({ region: 'us-east-1', endpoint: env.cloudControl.endpoint, credentials, maxAttempts: 1 });
const getResource = (Identifier: string, TypeName = EVENT_STREAM_TYPE, client = cloudControl()) =>
  client.send(new GetResourceCommand({ TypeName, Identifier }));
const sts = () => new STSClient({ region: 'us-east-1', endpoint: env.sts.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });

beforeAll(async () => {
  env = await CloudControlEnvironment.start();
  seedRetailCloudControl(env.cloudControl);
});
afterAll(async () => env.stop());
beforeEach(() => env.log.clear());

describe('Cloud Control GetResource, parsed by the real SDK client', () => {
  test('a stream comes back as the read handler returns it: identifier domain|stream, Properties as a JSON string', async () => {
    const output = await getResource('retail-profiles|returns');
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.TypeName).toBe('AWS::CustomerProfiles::EventStream');
    expect(output.ResourceDescription?.Identifier).toBe('retail-profiles|returns');
    expect(JSON.parse(output.ResourceDescription!.Properties!)).toEqual({
      DomainName: 'retail-profiles',
      EventStreamName: 'returns',
      Uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-returns',
      EventStreamArn: 'arn:aws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/returns',
      CreatedAt: '2026-05-20T14:00:00Z',
      State: 'STOPPED',
      // Status only: the read handler drops UnhealthySince and Message, and StoppedSince entirely.
      DestinationDetails: { Uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-returns', Status: 'UNHEALTHY' },
    });
    expect(RETAIL_STREAMS.returns.stoppedSince).toBeDefined();
  });

  test('tags come back as a list of Key/Value', async () => {
    const output = await getResource('retail-profiles|orders');
    expect(JSON.parse(output.ResourceDescription!.Properties!).Tags).toEqual([{ Key: 'team', Value: 'retail' }]);
  });

  test('CreatedAt is written as Java\'s Instant.toString: fractions only when there are any', () => {
    expect(instantString(new Date('2026-03-02T09:30:00Z'))).toBe('2026-03-02T09:30:00Z');
    expect(instantString(new Date('2026-01-15T10:00:00.250Z'))).toBe('2026-01-15T10:00:00.250Z');
  });

  test('the request is awsJson1_0 with the GetResource target, and the stand-in records it', async () => {
    env.cloudControl.requests.length = 0;
    await getResource('retail-profiles|orders');
    expect(env.cloudControl.requests).toEqual([
      {
        target: 'CloudApiService.GetResource',
        contentType: 'application/x-amz-json-1.0',
        typeName: EVENT_STREAM_TYPE,
        identifier: 'retail-profiles|orders',
        accessKeyId: TEST_CREDENTIALS.accessKeyId,
        outcome: 'ok',
      },
    ]);
  });

  test('a missing stream is a 400 ResourceNotFoundException, as the CLI expects it', async () => {
    const error = await getResource('retail-profiles|archive').catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe("Resource of type 'AWS::CustomerProfiles::EventStream' with identifier 'retail-profiles|archive' was not found.");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test('another resource type is a TypeNotFoundException', async () => {
    const error = await getResource('orders', 'AWS::IAM::Role').catch((e) => e);
    expect(error).toBeInstanceOf(TypeNotFoundException);
  });

  test.each(['retail-profiles', 'retail-profiles|', 'a|b|c'])('identifier %p is an InvalidRequestException', async (identifier) => {
    const error = await getResource(identifier).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect(error.message).toContain("does not match the primary identifier [DomainName, EventStreamName] ('domain|stream')");
  });

  test('unknown credentials are refused with 403', async () => {
    const error = await getResource('retail-profiles|orders', EVENT_STREAM_TYPE, cloudControl({ ...TEST_CREDENTIALS, accessKeyId: 'AKIDSOMEONEELSE00001' })).catch((e) => e);
    expect(error).toBeInstanceOf(CloudControlServiceException);
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  test('a wrong secret is refused: the signature is checked, not just the key', async () => {
    const error = await getResource('retail-profiles|orders', EVENT_STREAM_TYPE, cloudControl({ ...TEST_CREDENTIALS, secretAccessKey: 'wrong' })).catch((e) => e);
    expect(error.name).toBe('InvalidSignatureException');
  });

  test.each([
    ['signed for another service', { service: 'profile', target: 'CloudApiService.GetResource', contentType: 'application/x-amz-json-1.0' }, 403, 'InvalidSignatureException'],
    ['another operation', { service: 'cloudcontrolapi', target: 'CloudApiService.ListResources', contentType: 'application/x-amz-json-1.0' }, 400, 'UnknownOperationException'],
    ['another content type', { service: 'cloudcontrolapi', target: 'CloudApiService.GetResource', contentType: 'application/json' }, 400, 'SerializationException'],
  ])('%s is refused', async (_, request, status, type) => {
    const response = await signedPost(request.service, request.target, request.contentType, JSON.stringify({ TypeName: EVENT_STREAM_TYPE, Identifier: 'retail-profiles|orders' }));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { __type?: string }).__type).toBe(`com.amazonaws.cloudcontrol#${type}`);
  });

  test('a body without TypeName is an InvalidRequestException', async () => {
    const response = await signedPost('cloudcontrolapi', 'CloudApiService.GetResource', 'application/x-amz-json-1.0', JSON.stringify({ Identifier: 'x|y' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type?: string }).__type).toBe('com.amazonaws.cloudcontrol#InvalidRequestException');
  });
});

describe('STS, parsed by the real SDK client', () => {
  test('GetCallerIdentity answers with the test identity', async () => {
    const output = await sts().send(new GetCallerIdentityCommand({}));
    expect(output).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/stand-in', UserId: 'AIDASTANDIN000000001' });
    expect(env.sts.identityCalls.at(-1)).toEqual({ accessKeyId: TEST_CREDENTIALS.accessKeyId });
  });

  test('the bootstrap lookup role can be assumed; Cloud Control authorizes what STS issued as that role: denied GetEventStream until granted', async () => {
    const { Credentials } = await sts().send(new AssumeRoleCommand({ RoleArn: env.lookupRoleArn, RoleSessionName: 'lookup' }));
    const issued = {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };
    const denied = await getResource('retail-profiles|orders', EVENT_STREAM_TYPE, cloudControl(issued)).catch((e) => e);
    expect(denied).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(denied.message).toMatch(
      /^AWS::CustomerProfiles::EventStream Handler returned status FAILED: User: arn:aws:sts::123456789012:assumed-role\/cdk-hnb659fds-lookup-role-123456789012-us-east-1\/lookup is not authorized to perform: profile:GetEventStream on resource: arn:aws:profile:us-east-1:123456789012:domains\/retail-profiles because no identity-based policy allows the profile:GetEventStream action \(Service: CustomerProfiles, Status Code: 403, Request ID: [0-9a-f-]+\) \(HandlerErrorCode: AccessDenied, RequestToken: [0-9a-f-]+\)$/,
    );
    env.iam.attachRolePolicy(env.lookupRoleArn, {
      name: 'Grant',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: ['arn:aws:profile:us-east-1:123456789012:domains/retail-profiles', 'arn:aws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/*'] }] },
    });
    const output = await getResource('retail-profiles|orders', EVENT_STREAM_TYPE, cloudControl(issued));
    expect(output.ResourceDescription?.Identifier).toBe('retail-profiles|orders');
    expect(env.log.entries).toEqual([
      { service: 'sts', operation: 'AssumeRole', detail: env.lookupRoleArn, accessKeyId: TEST_CREDENTIALS.accessKeyId, outcome: 'ok' },
      { service: 'cloudcontrolapi', operation: 'GetResource', detail: 'retail-profiles|orders', accessKeyId: issued.accessKeyId, outcome: 'AccessDeniedException' },
      { service: 'cloudcontrolapi', operation: 'GetResource', detail: 'retail-profiles|orders', accessKeyId: issued.accessKeyId, outcome: 'ok' },
    ]);
  });

  test('any other action is still refused as before', async () => {
    const response = await signedPost('sts', '', 'application/x-www-form-urlencoded', 'Action=GetSessionToken&Version=2011-06-15', env.sts.endpoint);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
  });
});

/** A request signed by hand, to send what the SDK never would. */
async function signedPost(
  service: string,
  target: string,
  contentType: string,
  body: string,
  endpoint = env.cloudControl.endpoint,
): Promise<Response> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { 'host': url.host, 'content-type': contentType, ...(target ? { 'x-amz-target': target } : {}) },
    body,
  });
  return fetch(endpoint, { method: 'POST', headers: signed.headers, body });
}
