import { CloudControlStandIn } from './cloud-control';
import { RequestLog } from './request-log';
import { testIdentityVariables } from './sigv4';
import { StsStandIn } from './sts';
import { bootstrapLookupRole } from '../iam/aws-policies';
import { IamWorld } from '../iam/world';

/**
 * The local world a synth-time lookup runs in: the STS stand-in (GetCallerIdentity, and AssumeRole of
 * the bootstrap lookup role) and the Cloud Control stand-in, sharing one IAM world. The lookup role
 * is exactly what `cdk bootstrap` of the installed `aws-cdk` package creates (its template read at
 * start, AWS's current ReadOnlyAccess), so Cloud Control authorizes the CLI's read as AWS would.
 * Both write to one request log, so the order of the CDK CLI's calls can be asserted.
 */
export class CloudControlEnvironment {
  public static async start(options: { account?: string; region?: string; qualifier?: string } = {}): Promise<CloudControlEnvironment> {
    const account = options.account ?? '123456789012';
    const region = options.region ?? 'us-east-1';
    const log = new RequestLog();
    const iam = new IamWorld(account);
    const cloudControl = await CloudControlStandIn.start({ account, region, log, iam });
    const sts = await StsStandIn.start({ account, log, iam });
    const lookupRole = bootstrapLookupRole(account, region, { qualifier: options.qualifier });
    iam.defineRole(lookupRole);
    return new CloudControlEnvironment(cloudControl, sts, iam, log, account, region, lookupRole.arn);
  }

  private constructor(
    public readonly cloudControl: CloudControlStandIn,
    public readonly sts: StsStandIn,
    public readonly iam: IamWorld,
    public readonly log: RequestLog,
    public readonly account: string,
    public readonly region: string,
    /** The role `cdk bootstrap` creates for lookups, which the CLI assumes. */
    public readonly lookupRoleArn: string,
  ) {}

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
