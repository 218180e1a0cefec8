import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { functionRole } from './function-role';
import { scopeFor } from './stack-scope';
import { NamedPolicy } from '../iam/evaluate';
import { IamWorld } from '../iam/world';
import { CloudFormationStandIn } from '../stand-ins/cloudformation';
import { CustomerProfilesStandIn } from '../stand-ins/customer-profiles';
import { ResponseReceiver } from '../stand-ins/response-receiver';
import { StandInCredentials, testIdentityVariables } from '../stand-ins/sigv4';
import { StsStandIn } from '../stand-ins/sts';

/** The local world a rehearsal runs in: Customer Profiles, STS, CloudFormation and S3 stand-ins, and the account. */
export class RehearsalEnvironment {
  public static async start(options: { account?: string; region?: string } = {}): Promise<RehearsalEnvironment> {
    const account = options.account ?? '123456789012';
    const region = options.region ?? 'us-east-1';
    // One IAM world: every stand-in authorizes each call against the signer's policies in it.
    const iam = new IamWorld(account);
    const [profiles, receiver, cloudformation, sts] = await Promise.all([
      CustomerProfilesStandIn.start({ region, account, iam }),
      ResponseReceiver.start({ tls: true }),
      CloudFormationStandIn.start({ region, iam }),
      StsStandIn.start({ account, iam }),
    ]);
    return new RehearsalEnvironment(profiles, sts, cloudformation, receiver, iam, account, region);
  }

  /**
   * Customer managed policies that exist in the account outside the templates (a permissions
   * boundary an administrator created), by ARN: a role that names one gets its document.
   */
  public readonly managedPolicies = new Map<string, NamedPolicy>();
  private readonly sessions = new Map<string, StandInCredentials>();

  private constructor(
    public readonly profiles: CustomerProfilesStandIn,
    public readonly sts: StsStandIn,
    public readonly cloudformation: CloudFormationStandIn,
    public readonly receiver: ResponseReceiver,
    public readonly iam: IamWorld,
    public readonly account: string,
    public readonly region: string,
  ) {}

  /**
   * What Lambda's runtime would set, plus the stand-ins' endpoint and certificate. With `credentials`
   * (a session of the function's execution role), the function signs as that role, as in Lambda;
   * without, as the test identity.
   */
  public runtimeVariables(credentials?: StandInCredentials): Record<string, string> {
    return {
      ...testIdentityVariables(this.region),
      ...(credentials
        ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken ?? '' }
        : {}),
      AWS_ENDPOINT_URL_CUSTOMER_PROFILES: this.profiles.endpoint,
      AWS_ENDPOINT_URL_STS: this.sts.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.cloudformation.endpoint,
      NODE_EXTRA_CA_CERTS: this.receiver.caFile,
    };
  }

  /**
   * The runtime variables of one function: it signs with a session of its execution role, defined in
   * the IAM world exactly as the stack's template defines it (read again at every invocation, so an
   * updated template or a changed boundary counts). One session per role, as Lambda keeps it.
   */
  public runtimeVariablesFor(stack: CloudFormationStackArtifact, functionLogicalId: string): Record<string, string> {
    const role = functionRole(stack, functionLogicalId, scopeFor(stack, this, new Map(), new Map(), new Map()), this.managedPolicies);
    this.iam.defineRole(role);
    let credentials = this.sessions.get(role.arn);
    if (!credentials) {
      credentials = this.iam.sessionFor(role.arn, `${stack.stackName}-${functionLogicalId}`.slice(0, 64)).credentials;
      this.sessions.set(role.arn, credentials);
    }
    return this.runtimeVariables(credentials);
  }

  public async stop(): Promise<void> {
    await Promise.all([this.profiles.stop(), this.sts.stop(), this.cloudformation.stop(), this.receiver.stop()]);
  }
}
