import { CustomerProfilesStandIn } from '../stand-ins/customer-profiles';
import { ResponseReceiver } from '../stand-ins/response-receiver';
import { TEST_CREDENTIALS } from '../stand-ins/sigv4';

/** The local world a rehearsal runs in: the service stand-in, the S3 stand-in, and the account. */
export class RehearsalEnvironment {
  public static async start(options: { account?: string; region?: string } = {}): Promise<RehearsalEnvironment> {
    const account = options.account ?? '123456789012';
    const region = options.region ?? 'us-east-1';
    const [profiles, receiver] = await Promise.all([
      CustomerProfilesStandIn.start({ region, account }),
      ResponseReceiver.start({ tls: true }),
    ]);
    return new RehearsalEnvironment(profiles, receiver, account, region);
  }

  private constructor(
    public readonly profiles: CustomerProfilesStandIn,
    public readonly receiver: ResponseReceiver,
    public readonly account: string,
    public readonly region: string,
  ) {}

  /** What Lambda's runtime would set, plus the stand-ins' endpoint and certificate. */
  public runtimeVariables(): Record<string, string> {
    return {
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken!,
      AWS_ENDPOINT_URL_CUSTOMER_PROFILES: this.profiles.endpoint,
      NODE_EXTRA_CA_CERTS: this.receiver.caFile,
    };
  }

  public async stop(): Promise<void> {
    await Promise.all([this.profiles.stop(), this.receiver.stop()]);
  }
}
