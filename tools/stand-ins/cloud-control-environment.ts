import { CloudControlStandIn } from './cloud-control';
import { RequestLog } from './request-log';
import { testIdentityVariables } from './sigv4';
import { StsStandIn } from './sts';

/**
 * The local world a synth-time lookup runs in: the STS stand-in (GetCallerIdentity, and AssumeRole of
 * the bootstrap lookup role) and the Cloud Control stand-in, which trusts the credentials STS issues.
 * Both write to one request log, so the order of the CDK CLI's calls can be asserted.
 */
export class CloudControlEnvironment {
  public static async start(options: { account?: string; region?: string } = {}): Promise<CloudControlEnvironment> {
    const account = options.account ?? '123456789012';
    const region = options.region ?? 'us-east-1';
    const log = new RequestLog();
    const cloudControl = await CloudControlStandIn.start({ account, region, log });
    const sts = await StsStandIn.start((credentials) => cloudControl.trust(credentials), { account, log });
    const env = new CloudControlEnvironment(cloudControl, sts, log, account, region);
    sts.addRole(env.lookupRoleArn);
    return env;
  }

  private constructor(
    public readonly cloudControl: CloudControlStandIn,
    public readonly sts: StsStandIn,
    public readonly log: RequestLog,
    public readonly account: string,
    public readonly region: string,
  ) {}

  /** The role `cdk bootstrap` creates for lookups (qualifier hnb659fds), which the CLI assumes. */
  public get lookupRoleArn(): string {
    return `arn:aws:iam::${this.account}:role/cdk-hnb659fds-lookup-role-${this.account}-${this.region}`;
  }

  /** Environment variables for the CDK CLI: the test identity, its region and the stand-ins' endpoints. */
  public cliVariables(): Record<string, string> {
    return {
      ...testIdentityVariables(this.region),
      AWS_ENDPOINT_URL_STS: this.sts.endpoint,
      AWS_ENDPOINT_URL_CLOUDCONTROL: this.cloudControl.endpoint,
    };
  }

  public async stop(): Promise<void> {
    await Promise.all([this.cloudControl.stop(), this.sts.stop()]);
  }
}
