import { randomUUID } from 'crypto';
import * as http from 'http';
import { closeServer, listenOnLoopback, portOf, withBody } from './local-server';
import { RequestLog, accessKeyOf } from './request-log';
import { verifySigV4 } from './sigv4';
import { NamedPolicy, PolicyDocument } from '../iam/evaluate';
import { IamWorld, policyOf, trustPolicyFor } from '../iam/world';

/**
 * A local stand-in for STS AssumeRole (awsQuery: a form-encoded POST, an XML answer), checking
 * SigV4 for the `sts` signing name. AssumeRole is authorized as IAM does it (tools/iam/): the
 * caller's policies must allow `sts:AssumeRole` on the role, and the role's trust policy must trust
 * the caller, with `sts:ExternalId` in the request context; a denial is STS's 403 `AccessDenied`
 * (a common error of the query protocol, not in the model) with IAM's message. Each successful call
 * issues a session of the role in the IAM world, which every stand-in then authorizes against.
 * GetCallerIdentity (which needs no permission) answers with the signer's identity.
 */

/** A role the test creates; unset parts get the defaults below. */
export interface StandInRole {
  /** External ID the role's trust policy requires, if any (`sts:ExternalId`). */
  readonly externalId?: string;
  /** Who the trust policy trusts. @default the IAM world's account (its root) */
  readonly trustedPrincipal?: string;
  /** The whole trust policy (instead of `trustedPrincipal` and `externalId`). */
  readonly trustPolicy?: PolicyDocument;
  /** The role's identity policies. @default profile:GetEventStream on every domain and stream of the role's account */
  readonly policies?: NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
}

export interface AssumeRoleRecord {
  readonly roleArn: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  readonly outcome: 'issued' | 'AccessDenied' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch';
  readonly accessKeyId?: string;
  /** IAM's message for a denied call. */
  readonly denied?: string;
}

/** Options of the STS stand-in beyond AssumeRole. */
export interface StsStandInOptions {
  /** Account of the test identity, as GetCallerIdentity reports it. */
  readonly account?: string;
  /** Shared log of requests across stand-ins, in the order they arrived. */
  readonly log?: RequestLog;
  /** The IAM world the stand-ins share. @default a world of `account` */
  readonly iam?: IamWorld;
}

export class StsStandIn {
  public static async start(options: StsStandInOptions = {}): Promise<StsStandIn> {
    const sts = new StsStandIn(options, options.iam ?? new IamWorld(options.account));
    await listenOnLoopback(sts.server);
    return sts;
  }

  public readonly calls: AssumeRoleRecord[] = [];
  /** GetCallerIdentity calls, with the access key that signed each. */
  public readonly identityCalls: Array<{ readonly accessKeyId: string }> = [];
  private readonly server: http.Server;

  private constructor(
    private readonly options: StsStandInOptions,
    public readonly iam: IamWorld,
  ) {
    this.server = http.createServer(withBody((req, body, res) => this.handle(req, body, res)));
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${portOf(this.server)}`;
  }

  /** Creates (or replaces) a role in the IAM world. */
  public addRole(roleArn: string, role: StandInRole = {}): this {
    const account = roleArn.split(':')[4];
    this.iam.defineRole({
      arn: roleArn,
      trustPolicy: role.trustPolicy ?? trustPolicyFor(role.trustedPrincipal ?? `arn:aws:iam::${this.iam.account}:root`, role.externalId),
      policies: role.policies ?? [
        { name: 'ReadEventStreams', policy: policyOf({ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: `arn:aws:profile:*:${account}:domains/*` }) },
      ],
      permissionsBoundary: role.permissionsBoundary,
    });
    return this;
  }

  public async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const form = new URLSearchParams(body.toString('utf8'));
    const roleArn = form.get('RoleArn') ?? '';
    const externalId = form.get('ExternalId') ?? undefined;
    const sessionName = form.get('RoleSessionName') ?? undefined;
    const problem = await verifySigV4(req, body, { credentials: this.iam.credentials(), service: 'sts' });
    this.options.log?.add({
      service: 'sts',
      operation: form.get('Action') ?? '',
      detail: form.get('Action') === 'AssumeRole' ? roleArn : '',
      accessKeyId: accessKeyOf(req),
      outcome: problem ? problem.type : 'ok',
    });
    if (problem) {
      const code = problem.type === 'UnrecognizedClientException' ? 'InvalidClientTokenId' : 'SignatureDoesNotMatch';
      this.calls.push({ roleArn, externalId, sessionName, outcome: code });
      return this.error(res, 403, code, problem.message);
    }
    if (form.get('Action') === 'GetCallerIdentity') {
      return this.callerIdentity(req, res);
    }
    if (form.get('Action') !== 'AssumeRole') {
      return this.error(res, 400, 'InvalidAction', `Could not find operation ${form.get('Action')}`);
    }
    const assumed = await this.iam.assumeRole(accessKeyOf(req), roleArn, { externalId, sessionName: sessionName ?? '' });
    if (!assumed.allowed) {
      this.calls.push({ roleArn, externalId, sessionName, outcome: 'AccessDenied', denied: assumed.message });
      return this.error(res, 403, 'AccessDenied', assumed.message);
    }
    const credentials = assumed.credentials;
    this.calls.push({ roleArn, externalId, sessionName, outcome: 'issued', accessKeyId: credentials.accessKeyId });
    const account = roleArn.split(':')[4];
    const roleName = roleArn.split('/').pop();
    const expiration = new Date(Date.now() + 15 * 60_000).toISOString();
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROASTANDIN:${sessionName}</AssumedRoleId>
      <Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${credentials.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>
      <SessionToken>${credentials.sessionToken}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
  }

  /** The signer's identity: the test identity's user, or the session of an assumed role. */
  private callerIdentity(req: http.IncomingMessage, res: http.ServerResponse): void {
    const principal = this.iam.principalOf(accessKeyOf(req))!;
    this.identityCalls.push({ accessKeyId: accessKeyOf(req) });
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>${principal.arn}</Arn>
    <UserId>AIDASTANDIN000000001</UserId>
    <Account>${principal.account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`);
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
  }
}
