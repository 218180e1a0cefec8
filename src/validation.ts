import { Duration, Token } from 'aws-cdk-lib';
import { EXTERNAL_ID_PATTERN, NAME_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from './wire/patterns';
import { MAX_WAIT_SECONDS } from './wire/timing';

/**
 * Synth-time checks of lookup props. Each check skips values that are CDK tokens (parameters,
 * references), which only CloudFormation can resolve; the handler checks those at deploy time.
 */


/** Fails with an error naming the prop and its value unless `value` is a valid Customer Profiles name. */
export function validateName(prop: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!NAME_PATTERN.test(value)) {
    throw new Error(
      `EventStreamLookup: invalid ${prop} ${JSON.stringify(value)}: expected 1-64 characters of letters, digits, '_' and '-' (as Customer Profiles requires).`,
    );
  }
}

/** Fails unless `value` (when set and not a token) looks like an AWS region name. */
export function validateRegion(value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!REGION_PATTERN.test(value)) {
    throw new Error(`EventStreamLookup: invalid region ${JSON.stringify(value)}: expected a region name such as 'us-east-1'.`);
  }
}

/** Fails unless the role props are consistent and well-formed. */
export function validateRole(roleArn: string | undefined, externalId: string | undefined): void {
  if (externalId !== undefined && roleArn === undefined) {
    throw new Error('EventStreamLookup: externalId is set but roleArn is not: an external ID only applies when assuming a role.');
  }
  if (roleArn !== undefined && !Token.isUnresolved(roleArn) && !ROLE_ARN_PATTERN.test(roleArn)) {
    throw new Error(
      `EventStreamLookup: invalid roleArn ${JSON.stringify(roleArn)}: expected an IAM role ARN such as 'arn:aws:iam::123456789012:role/ProfilesReader'.`,
    );
  }
  // Stryker disable next-line ConditionalExpression: test(undefined) reads 'undefined', a valid external ID, so `true` here changes nothing
  if (externalId !== undefined && !Token.isUnresolved(externalId) && !EXTERNAL_ID_PATTERN.test(externalId)) {
    throw new Error(
      `EventStreamLookup: invalid externalId ${JSON.stringify(externalId)}: expected 2-1224 characters of letters, digits and +=,.@:/-.`,
    );
  }
}

/** Returns the wait in whole seconds, failing when it cannot fit one Lambda invocation. */
export function validateWaitTimeout(waitTimeout: Duration | undefined): number {
  if (waitTimeout === undefined) {
    return 0;
  }
  if (waitTimeout.isUnresolved()) {
    throw new Error('EventStreamLookup: waitTimeout must be known at synth time: it sizes the Lambda timeout.');
  }
  const seconds = waitTimeout.toSeconds({ integral: false });
  if (seconds > MAX_WAIT_SECONDS) { // a Duration is never negative
    throw new Error(
      `EventStreamLookup: waitTimeout is ${waitTimeout.toHumanString()}, expected at most ${Duration.seconds(MAX_WAIT_SECONDS).toHumanString()} (the Lambda maximum of 15 minutes less time for the check itself).`,
    );
  }
  return Math.ceil(seconds);
}
