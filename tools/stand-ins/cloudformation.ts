import { randomUUID } from 'crypto';
import * as http from 'http';
import { closeServer, listenOnLoopback, portOf, withBody } from './local-server';
import { verifySigV4 } from './sigv4';
import { IamWorld } from '../iam/world';

/**
 * A local stand-in for CloudFormation's DescribeStacks (awsQuery: a form-encoded POST, an XML
 * answer, API version 2010-05-15), checking SigV4 for the `cloudformation` signing name. Every call
 * is authorized first against the signer's policies in the IAM world (tools/iam/):
 * `cloudformation:DescribeStacks` on the stack's ARN; a denial is CloudFormation's 403 `AccessDenied`
 * (a common error of the query protocol) with IAM's message. The rehearsal sets each stack's status
 * as CloudFormation would while it runs the stack's resources; errors can be scripted.
 */

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** Errors DescribeStacks answers with, as CloudFormation sends them. */
export const CLOUDFORMATION_ERRORS = {
  Throttling: { status: 400, type: 'Sender', message: 'Rate exceeded' },
  AccessDenied: { status: 403, type: 'Sender', message: 'User is not authorized to perform: cloudformation:DescribeStacks' },
  InternalFailure: { status: 500, type: 'Receiver', message: 'We encountered an internal error. Please try again.' },
} as const;
export type CloudFormationError = keyof typeof CLOUDFORMATION_ERRORS;

export interface DescribeStacksRecord {
  readonly stackName: string;
  readonly accessKeyId?: string;
  readonly outcome: string;
}

export class CloudFormationStandIn {
  public static async start(options: { region?: string; account?: string; iam?: IamWorld } = {}): Promise<CloudFormationStandIn> {
    const standIn = new CloudFormationStandIn(options.iam ?? new IamWorld(options.account), options.region ?? 'us-east-1');
    await listenOnLoopback(standIn.server);
    return standIn;
  }

  public readonly calls: DescribeStacksRecord[] = [];
  private readonly stacks = new Map<string, { stackId: string; status: string; createdAt: Date }>();
  private readonly scripted: CloudFormationError[] = [];
  private readonly server: http.Server;

  private constructor(public readonly iam: IamWorld, private readonly region: string) {
    this.server = http.createServer(withBody((req, body, res) => this.handle(req, body, res)));
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${portOf(this.server)}`;
  }

  /** Sets a stack's status (creating its record), as CloudFormation does while it works on the stack. */
  public setStatus(stackId: string, status: string): this {
    const stackName = stackId.split('/')[1];
    const existing = this.stacks.get(stackName);
    this.stacks.set(stackName, { stackId, status, createdAt: existing?.createdAt ?? new Date() });
    return this;
  }

  /** The status a stack has now, if it exists. */
  public statusOf(stackIdOrName: string): string | undefined {
    return this.stacks.get(stackIdOrName.includes('/') ? stackIdOrName.split('/')[1] : stackIdOrName)?.status;
  }

  /** The next calls answer these errors, in order. */
  public failNext(...errors: CloudFormationError[]): this {
    this.scripted.push(...errors);
    return this;
  }

  public async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const form = new URLSearchParams(body.toString('utf8'));
    const requested = form.get('StackName') ?? '';
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const record = (outcome: string) => this.calls.push({ stackName: requested, accessKeyId, outcome });
    const problem = await verifySigV4(req, body, { credentials: this.iam.credentials(), service: 'cloudformation', region: this.region });
    if (problem) {
      const code = problem.type === 'InvalidSignatureException' ? 'SignatureDoesNotMatch' : 'InvalidClientTokenId';
      record(code);
      return this.error(res, 403, 'Sender', code, problem.message);
    }
    if (req.method !== 'POST' || form.get('Action') !== 'DescribeStacks' || form.get('Version') !== '2010-05-15') {
      record('InvalidAction');
      return this.error(res, 400, 'Sender', 'InvalidAction', `Could not find operation ${form.get('Action')} for version ${form.get('Version')}`);
    }
    // StackName takes a name or a stack id (ARN); a deleted stack is found only by its id.
    const name = requested.startsWith('arn:') ? requested.split('/')[1] : requested;
    const stack = this.stacks.get(name);
    const caller = this.iam.principalOf(accessKeyId!)!;
    const stackArn = requested.startsWith('arn:')
      ? requested
      : stack?.stackId ?? `arn:aws:cloudformation:${this.region}:${caller.account}:stack/${name}/00000000-0000-0000-0000-000000000000`;
    const decision = await this.iam.authorize(accessKeyId!, 'cloudformation:DescribeStacks', stackArn);
    if (!decision.allowed) {
      record('AccessDenied');
      return this.error(res, 403, 'Sender', 'AccessDenied', decision.message);
    }
    const scripted = this.scripted.shift();
    if (scripted) {
      record(scripted);
      const { status, type, message } = CLOUDFORMATION_ERRORS[scripted];
      return this.error(res, status, type, scripted, message);
    }
    if (!stack || (requested.startsWith('arn:') && requested !== stack.stackId)) {
      record('ValidationError');
      return this.error(res, 400, 'Sender', 'ValidationError', `Stack with id ${requested} does not exist`);
    }
    record(stack.status);
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<DescribeStacksResponse xmlns="${NAMESPACE}">
  <DescribeStacksResult>
    <Stacks>
      <member>
        <StackName>${name}</StackName>
        <StackId>${stack.stackId}</StackId>
        <CreationTime>${stack.createdAt.toISOString()}</CreationTime>
        <StackStatus>${stack.status}</StackStatus>
        <DisableRollback>false</DisableRollback>
      </member>
    </Stacks>
  </DescribeStacksResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</DescribeStacksResponse>`);
  }

  private error(res: http.ServerResponse, status: number, type: string, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(`<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
  }
}
