import { randomUUID } from 'crypto';
import * as http from 'http';
import { closeServer, listenOnLoopback, portOf, withBody } from './local-server';
import { RequestLog, accessKeyOf } from './request-log';
import { StandInCredentials, TEST_CREDENTIALS, verifySigV4 } from './sigv4';

/**
 * A local stand-in for STS AssumeRole (awsQuery: a form-encoded POST, an XML answer), checking
 * SigV4 for the `sts` signing name, the role's existence and its external ID. Each successful call
 * issues fresh credentials and hands them to `onIssue` (the Customer Profiles stand-in trusts them).
 * GetCallerIdentity answers with the test identity in `options.account` (the CDK CLI asks it first).
 */

export interface StandInRole {
  /** External ID the role's trust policy requires, if any. */
  readonly externalId?: string;
}

export interface AssumeRoleRecord {
  readonly roleArn: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  readonly outcome: 'issued' | 'AccessDenied' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch';
  readonly accessKeyId?: string;
}

/** Options of the STS stand-in beyond AssumeRole. */
export interface StsStandInOptions {
  /** Account of the test identity, as GetCallerIdentity reports it. */
  readonly account?: string;
  /** Shared log of requests across stand-ins, in the order they arrived. */
  readonly log?: RequestLog;
}

export class StsStandIn {
  public static async start(
    onIssue: (credentials: StandInCredentials, roleArn: string) => void,
    options: StsStandInOptions = {},
  ): Promise<StsStandIn> {
    const sts = new StsStandIn(onIssue, options);
    await listenOnLoopback(sts.server);
    return sts;
  }

  public readonly calls: AssumeRoleRecord[] = [];
  /** GetCallerIdentity calls, with the access key that signed each. */
  public readonly identityCalls: Array<{ readonly accessKeyId: string }> = [];
  private readonly roles = new Map<string, StandInRole>();
  private readonly server: http.Server;
  private issued = 0;

  private constructor(
    private readonly onIssue: (credentials: StandInCredentials, roleArn: string) => void,
    private readonly options: StsStandInOptions,
  ) {
    this.server = http.createServer(withBody((req, body, res) => this.handle(req, body, res)));
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${portOf(this.server)}`;
  }

  /** Creates a role that the test identity may assume. */
  public addRole(roleArn: string, role: StandInRole = {}): this {
    this.roles.set(roleArn, role);
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
    const problem = await verifySigV4(req, body, { credentials: TEST_CREDENTIALS, service: 'sts' });
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
    const role = this.roles.get(roleArn);
    if (!role || role.externalId !== externalId) {
      this.calls.push({ roleArn, externalId, sessionName, outcome: 'AccessDenied' });
      return this.error(res, 403, 'AccessDenied', `User: arn:aws:sts::123456789012:assumed-role/lookup is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    this.issued += 1;
    const credentials: StandInCredentials = {
      accessKeyId: `ASIASTANDIN${String(this.issued).padStart(9, '0')}`,
      secretAccessKey: `assumed-secret-${randomUUID()}`,
      sessionToken: `assumed-token-${randomUUID()}`,
    };
    this.onIssue(credentials, roleArn);
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

  /** The test identity: an IAM user of `options.account` (default 123456789012). */
  private callerIdentity(req: http.IncomingMessage, res: http.ServerResponse): void {
    const account = this.options.account ?? '123456789012';
    this.identityCalls.push({ accessKeyId: accessKeyOf(req) });
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${account}:user/stand-in</Arn>
    <UserId>AIDASTANDIN000000001</UserId>
    <Account>${account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`);
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
  }
}
