import { CloudFormationStandIn } from '../stand-ins/cloudformation';
import { CustomerProfilesStandIn } from '../stand-ins/customer-profiles';
import { ResponseReceiver } from '../stand-ins/response-receiver';
import { testIdentityVariables } from '../stand-ins/sigv4';
import { StsStandIn } from '../stand-ins/sts';

/** The local world a rehearsal runs in: Customer Profiles, STS, CloudFormation and S3 stand-ins, and the account. */
export class RehearsalEnvironment {
  public static async start(options: { account?: string; region?: string } = {}): Promise<RehearsalEnvironment> {
    const account = options.account ?? '123456789012';
    const region = options.region ?? 'us-east-1';
    const [profiles, receiver, cloudformation] = await Promise.all([
      CustomerProfilesStandIn.start({ region, account }),
      ResponseReceiver.start({ tls: true }),
      CloudFormationStandIn.start({ region }),
    ]);
    // Credentials STS issues are the ones the Customer Profiles stand-in then accepts.
    const sts = await StsStandIn.start((credentials) => profiles.trust(credentials));
    return new RehearsalEnvironment(profiles, sts, cloudformation, receiver, account, region);
  }

  private constructor(
    public readonly profiles: CustomerProfilesStandIn,
    public readonly sts: StsStandIn,
    public readonly cloudformation: CloudFormationStandIn,
    public readonly receiver: ResponseReceiver,
    public readonly account: string,
    public readonly region: string,
  ) {}

  /** What Lambda's runtime would set, plus the stand-ins' endpoint and certificate. */
  public runtimeVariables(): Record<string, string> {
    return {
      ...testIdentityVariables(this.region),
      AWS_ENDPOINT_URL_CUSTOMER_PROFILES: this.profiles.endpoint,
      AWS_ENDPOINT_URL_STS: this.sts.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.cloudformation.endpoint,
      NODE_EXTRA_CA_CERTS: this.receiver.caFile,
    };
  }

  public async stop(): Promise<void> {
    await Promise.all([this.profiles.stop(), this.sts.stop(), this.cloudformation.stop(), this.receiver.stop()]);
  }
}
