import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, COMPLIANCE_RULES, findingIds, flattenReference } from '../provider/acknowledgements';
import { validateName, validateRegion } from '../validation';

/**
 * Props of `EventStreamLookupRoleGrant`.
 */
export interface EventStreamLookupRoleGrantProps {
  /**
   * Customer Profiles domains whose event streams the CDK CLI may read at synth time.
   *
   * Each is 1-64 letters, digits, `_` or `-`. The grant covers the domain and every event stream in it.
   */
  readonly domainNames: string[];

  /**
   * Regions of those domains (the `region` a `fromLookup` names).
   *
   * @default - the stack's region
   */
  readonly regions?: string[];

  /**
   * Name of the role the CDK CLI assumes for lookups in this stack's account and region.
   *
   * @default - the lookup role the stack's synthesizer names (`cdk-QUALIFIER-lookup-role-ACCOUNT-REGION`, with the synthesizer's qualifier)
   */
  readonly lookupRoleName?: string;
}

/**
 * Lets the CDK CLI's bootstrap lookup role read the named domains' event streams, so that
 * `EventStreamLookup.fromLookup` works in an account bootstrapped with a plain `cdk bootstrap`.
 *
 * The lookup role that `cdk bootstrap` creates holds AWS's `ReadOnlyAccess`, which has no
 * `profile:` action; Cloud Control's read of `AWS::CustomerProfiles::EventStream` calls
 * `profile:GetEventStream` with the caller's permissions. This construct attaches one IAM policy to
 * that role: `profile:GetEventStream` on exactly the named domains' ARNs and their
 * `domains/NAME/event-streams/*` (the action is authorized against both resource types). Nothing else.
 *
 * Deploy it once per account and region, in a stack of its own, before the first synth-time lookup
 * (`cdk deploy STACK --exclusively`): that synth fails until the grant exists.
 *
 * @example
 * declare const app: App;
 * const grantStack = new Stack(app, 'EventStreamLookupGrant', { env: { account: '123456789012', region: 'us-east-1' } });
 * new EventStreamLookupRoleGrant(grantStack, 'Grant', { domainNames: ['retail-profiles'] });
 */
export class EventStreamLookupRoleGrant extends Construct {
  /** The action granted. */
  public static readonly ACTION: string = 'profile:GetEventStream';

  /** Name of the lookup role the policy is attached to. */
  public readonly lookupRoleName: string;

  /** The policy attached to the lookup role. */
  public readonly policy: iam.Policy;

  constructor(scope: Construct, id: string, props: EventStreamLookupRoleGrantProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.domainNames.length === 0) {
      throw new Error('EventStreamLookupRoleGrant: domainNames is empty: name at least one Customer Profiles domain.');
    }
    props.domainNames.forEach((name) => validateName('domainNames', name));
    (props.regions ?? []).forEach((region) => validateRegion(region));
    this.lookupRoleName = props.lookupRoleName ?? lookupRoleNameOf(stack);

    const regions = props.regions ?? [stack.region];
    const resources = regions.flatMap((region) =>
      [...new Set(props.domainNames)].flatMap((domainName) => {
        const domainArn = stack.formatArn({ service: 'profile', region, resource: `domains/${domainName}`, arnFormat: ArnFormat.NO_RESOURCE_NAME });
        return [domainArn, `${domainArn}/event-streams/*`];
      }),
    );
    this.policy = new iam.Policy(this, 'Policy', {
      roles: [iam.Role.fromRoleName(this, 'LookupRole', this.lookupRoleName)],
      statements: [new iam.PolicyStatement({ actions: [EventStreamLookupRoleGrant.ACTION], resources })],
    });

    const reason =
      'profile:GetEventStream on every event stream of the named domains (domains/NAME/event-streams/*), for the CDK CLI\'s lookup role: the streams a synth-time lookup may read are only known to the app that looks them up, and the domain ARNs stay exact.';
    for (const arn of resources.filter((r) => r.endsWith('/*'))) {
      acknowledge(this.policy, `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenReference(stack.resolve(arn))}]`, reason);
    }
    for (const findingId of findingIds(COMPLIANCE_RULES.inlinePolicy)) {
      acknowledge(
        this.policy,
        findingId,
        'The grant is one policy attached to the CDK CLI\'s lookup role, which this stack does not own: deleting this stack removes exactly this grant and nothing of the bootstrap stack.',
      );
    }
  }
}

/**
 * The lookup role's name from the stack's synthesizer (its qualifier honoured): the part of its ARN
 * after `:role/`, its placeholders made pseudo parameters.
 */
function lookupRoleNameOf(stack: Stack): string {
  const arn = (stack.synthesizer as { lookupRole?: string }).lookupRole;
  if (arn === undefined) {
    throw new Error(
      `EventStreamLookupRoleGrant: the synthesizer of stack '${stack.stackName}' names no lookup role (the CDK CLI then uses your own credentials for lookups). ` +
        'Use the DefaultStackSynthesizer (the default), or pass lookupRoleName.',
    );
  }
  const name = arn.slice(arn.indexOf(':role/') + ':role/'.length);
  return name.includes('${') && !Token.isUnresolved(name) ? Fn.sub(name) : name;
}
