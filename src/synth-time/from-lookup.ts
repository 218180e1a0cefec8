import { Annotations, ContextProvider, GetContextValueOptions, Stack, Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { SynthTimeLookupOptions } from './options';
import { importDestination } from '../destination';
import { IEventStream } from '../event-stream';
import { validateName, validateRegion } from '../validation';

/**
 * The synth-time lookup: a query for the CDK CLI's Cloud Control context provider, answered from
 * `cdk.context.json` once the CLI has read the stream (one `GetResource` of
 * `AWS::CustomerProfiles::EventStream`, identifier `domain|stream`).
 */

/** Cloud Control resource type of an event stream. */
export const CC_TYPE_NAME = 'AWS::CustomerProfiles::EventStream';

/**
 * What the CLI copies from Cloud Control's read into the context value: only properties every read
 * returns (a missing one fails the CLI with "Cannot read field"). The list is part of the cache
 * key, so changing it looks every stream up again: it is chosen once.
 */
export const PROPERTIES_TO_RETURN = ['EventStreamArn', 'Uri', 'State', 'CreatedAt'] as const;

/** The context value the CLI caches: one object with the requested properties and `Identifier`. */
type CachedEventStream = Record<(typeof PROPERTIES_TO_RETURN)[number], string>;

/** Where a lookup points, for its query and its errors. */
export interface Target {
  readonly domainName: string;
  readonly eventStreamName: string;
  readonly region: string;
  readonly account: string;
}

/** The result of a synth-time lookup: plain strings, and the destination imported from its ARN. */
class SynthTimeEventStream extends Construct implements IEventStream {
  public readonly eventStreamArn: string;
  public readonly destinationUri: string;
  public readonly state: string;
  public readonly createdAt: string;
  public readonly destinationStream: kinesis.IStream;
  public readonly domainName: string;
  public readonly eventStreamName: string;
  public readonly region: string;

  constructor(scope: Construct, id: string, target: Target) {
    super(scope, id);
    this.domainName = target.domainName;
    this.eventStreamName = target.eventStreamName;
    this.region = target.region;
    const query: GetContextValueOptions = {
      provider: cxschema.ContextProvider.CC_API_PROVIDER,
      props: {
        typeName: CC_TYPE_NAME,
        exactIdentifier: `${target.domainName}|${target.eventStreamName}`,
        propertiesToReturn: [...PROPERTIES_TO_RETURN],
        region: target.region,
      },
      dummyValue: [dummyValue(target)],
      // No mustExist / ignoreErrorOnMissingContext: a missing stream must fail synth and cache nothing,
      // never leave a dummy in cdk.context.json for good.
    };
    const { key } = ContextProvider.getKey(this, query);
    const failed = reportProviderError(this, target, query, this.node.tryGetContext(key));
    const value = failed ? query.dummyValue : ContextProvider.getValue(this, query).value;
    const stream = parse(value, target, key);

    this.eventStreamArn = stream.EventStreamArn;
    this.destinationUri = stream.Uri;
    this.state = stream.State;
    this.createdAt = stream.CreatedAt;
    this.destinationStream = importDestination(this, 'DestinationStream', this.destinationUri);
  }
}

/** Looks the stream up at synth time; used by `EventStreamLookup.fromLookup`. */
export function lookUpAtSynthTime(scope: Construct, id: string, options: SynthTimeLookupOptions): IEventStream {
  // Checked before the construct is added, so a refused lookup leaves nothing behind.
  return new SynthTimeEventStream(scope, id, checkTarget(scope, options));
}

function nameOf(target: { domainName: string; eventStreamName: string; region: string }): string {
  return `event stream '${target.eventStreamName}' in domain '${target.domainName}' (${target.region})`;
}

/** Refuses what the CLI cannot look up: tokens, and stacks without a concrete account and region. */
function checkTarget(scope: Construct, options: SynthTimeLookupOptions): Target {
  const stack = Stack.of(scope);
  const region = options.region ?? stack.region;
  const shown = {
    domainName: Token.isUnresolved(options.domainName) ? '(a token)' : options.domainName,
    eventStreamName: Token.isUnresolved(options.eventStreamName) ? '(a token)' : options.eventStreamName,
    region: Token.isUnresolved(region) ? 'region unknown at synth time' : region,
  };
  const tokens = (['domainName', 'eventStreamName', 'region'] as const).filter((prop) => Token.isUnresolved(options[prop]));
  if (tokens.length > 0) {
    throw new Error(
      `EventStreamLookup.fromLookup: cannot look up ${nameOf(shown)} at synth time: ${tokens.join(', ')} ${tokens.length > 1 ? 'are tokens' : 'is a token'} (a parameter or a reference, which only CloudFormation resolves), and the CDK CLI needs literal values. ` +
        'Pass literal names and region, or use new EventStreamLookup(...), which looks the stream up at deploy time and accepts tokens.',
    );
  }
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    throw new Error(
      `EventStreamLookup.fromLookup: cannot look up ${nameOf(shown)} at synth time: stack '${stack.stackName}' is environment-agnostic (its account and region are not known at synth time), and the CDK CLI needs both to read the stream. ` +
        "Give the stack an explicit env: { account: '123456789012', region: 'us-east-1' } (or process.env.CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION), or use new EventStreamLookup(...), which looks the stream up at deploy time.",
    );
  }
  try {
    validateName('domainName', options.domainName);
    validateName('eventStreamName', options.eventStreamName);
    validateRegion(options.region);
  } catch (error) {
    throw new Error(`EventStreamLookup.fromLookup: cannot look up ${nameOf(shown)}: ${(error as Error).message.replace('EventStreamLookup: ', '')}`);
  }
  return { domainName: options.domainName, eventStreamName: options.eventStreamName, region, account: stack.account };
}

/** Valid-shaped values for the first synth, before the CLI has answered (never deployed: synth runs again). */
function dummyValue(target: Target): CachedEventStream & { Identifier: string } {
  const partition = RegionInfo.get(target.region).partition ?? 'aws';
  return {
    EventStreamArn: `arn:${partition}:profile:${target.region}:${target.account}:domains/${target.domainName}/event-streams/${target.eventStreamName}`,
    Uri: `arn:${partition}:kinesis:${target.region}:${target.account}:stream/DUMMY`,
    State: 'RUNNING',
    CreatedAt: '1970-01-01T00:00:00.000Z',
    Identifier: `${target.domainName}|${target.eventStreamName}`,
  };
}

/**
 * The CLI answers a failed lookup (missing stream, access denied) with a transient error value that
 * it does not save; synth fails with one error, which names the stream and what to do. An access
 * denial names the action that was denied, the role or user it was denied to, and the fix; the
 * generic text stays for what cannot be told apart.
 */
function reportProviderError(scope: Construct, target: Target, query: GetContextValueOptions, value: unknown): boolean {
  const providerError = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[cxapi.PROVIDER_ERROR_KEY] : undefined;
  if (providerError === undefined) {
    return false;
  }
  // ContextProvider.getValue reports the query as missing again (so the next synth retries it) and
  // adds the CLI's raw text as an error of the scope it is given: a scratch child, removed at once,
  // so that synth shows one error, this one.
  const scratch = new Construct(scope, 'ProviderQuery');
  ContextProvider.getValue(scratch, query);
  scope.node.tryRemoveChild(scratch.node.id);
  Annotations.of(scope).addError(describeProviderError(target, String(providerError), lookupRoleOf(scope)));
  return true;
}

/** The CDK CLI's lookup role for the scope's stack, as its synthesizer names it, if it has one. */
function lookupRoleOf(scope: Construct): string | undefined {
  const stack = Stack.of(scope);
  const arn = (stack.synthesizer as { lookupRole?: string }).lookupRole;
  return arn?.replace('${AWS::Partition}', RegionInfo.get(stack.region).partition ?? 'aws');
}

/** The actions a synth-time lookup needs: Cloud Control's own, and those its read handler calls with the caller's permissions. */
export const SYNTH_TIME_ACTIONS = ['cloudformation:GetResource', 'profile:GetEventStream', 'kinesis:DescribeStreamSummary'] as const;

/** Matches IAM's denial, as Cloud Control relays it: `User: ARN is not authorized to perform: ACTION on resource: ARN ...`. */
const DENIAL = /User: (\S+) is not authorized to perform: ([a-z0-9-]+:[A-Za-z0-9]+)(?: on resource: (\S+))?(?: because ([^(\n]*))?/;

/** The one synth error for a failed lookup, from the CLI's error text. */
export function describeProviderError(target: Target, providerError: string, lookupRole: string | undefined): string {
  const prefix = `EventStreamLookup.fromLookup: the CDK CLI could not read ${nameOf(target)} in account ${target.account}`;
  const nothingCached = 'Nothing was cached: the next synth looks the stream up again.';
  const denial = DENIAL.exec(providerError);
  if (denial) {
    const [, principal, action] = denial;
    const resource = denial[3]?.replace(/[.,;]+$/, '');
    const because = denial[4]?.replace(/[\s.]+$/, '');
    const partition = RegionInfo.get(target.region).partition ?? 'aws';
    const fix =
      action === 'profile:GetEventStream'
        ? `Grant it once per account and region: deploy an EventStreamLookupRoleGrant naming domain '${target.domainName}' in a stack of account ${target.account}, region ${target.region} (deploy that stack alone, before this synth), or give the role ${action} on arn:${partition}:profile:${target.region}:${target.account}:domains/${target.domainName} and .../domains/${target.domainName}/event-streams/* through a customized bootstrap template.`
        : `Let ${roleName(principal)} call ${action}${resource ? ` on ${resource}` : ''}: a lookup needs ${SYNTH_TIME_ACTIONS.join(', ')}; check the role's policies, its permissions boundary and your organization's SCPs.`;
    return (
      `${prefix}: access denied. ${principal} is not allowed to call ${action}${resource ? ` on ${resource}` : ''}${because ? ` (${because})` : ''}` +
      `${lookupRole && !principal.includes(`/${lookupRole.split('/').pop()}/`) ? ` (the stack's lookup role is ${lookupRole}; the CLI used other credentials)` : ''}. ` +
      `${fix} ${nothingCached}`
    );
  }
  if (/No resource of type \S+ with identifier/.test(providerError)) {
    return (
      `${prefix}: it does not exist (${CC_TYPE_NAME} '${target.domainName}|${target.eventStreamName}' was not found). ` +
      `Check the domain, the stream name, the region and the account, or create the stream. ${nothingCached}`
    );
  }
  return (
    `${prefix} through Cloud Control (${CC_TYPE_NAME} '${target.domainName}|${target.eventStreamName}'): ${providerError.replace(/\s*\n\s*/g, ': ')}. ` +
    `If the stream does not exist, check the domain, the stream name and the region, or create the stream; if access was denied, let the CLI's lookup role${lookupRole ? ` (${lookupRole})` : ''} (or your credentials) call ${SYNTH_TIME_ACTIONS.join(', ')}. ` +
    nothingCached
  );
}

/** `role/NAME` of an assumed-role session or a role ARN; the ARN itself otherwise. */
function roleName(principal: string): string {
  const session = /:assumed-role\/([^/]+)\//.exec(principal);
  return session ? `role ${session[1]}` : principal;
}

/** The cached value, checked: exactly one object with the requested properties, as strings. */
function parse(value: unknown, target: Target, key: string): CachedEventStream {
  const entry = Array.isArray(value) && value.length === 1 ? value[0] : undefined;
  const problem = problemOf(entry);
  if (problem !== undefined) {
    throw new Error(
      `EventStreamLookup.fromLookup: the cached context value for ${nameOf(target)} is malformed (${problem}): ${truncate(JSON.stringify(value))}. ` +
        `Run \`cdk context --reset "${key}"\` (or remove that entry from cdk.context.json) and synthesize again, so that the CDK CLI looks the stream up anew.`,
    );
  }
  return { ...entry, CreatedAt: new Date(entry.CreatedAt).toISOString() };
}

function problemOf(entry: any): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return 'expected exactly one object';
  }
  for (const name of PROPERTIES_TO_RETURN) {
    if (typeof entry[name] !== 'string' || entry[name] === '') {
      return `expected a non-empty string ${name}`;
    }
  }
  if (!entry.Uri.startsWith('arn:')) {
    return 'expected Uri to be the ARN of a Kinesis data stream';
  }
  if (Number.isNaN(new Date(entry.CreatedAt).getTime())) {
    return 'expected CreatedAt to be a timestamp';
  }
  return undefined;
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
