import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EventStreamLookupProviderProps } from './props';

/**
 * The provider's configuration checked and put in words: synth-time validation, and the
 * description that tells two configurations apart in an error.
 */

/** Fails with a message naming the option unless the configuration is consistent and in range. */
export function validateProviderProps(props: EventStreamLookupProviderProps): void {
  const fail = (message: string) => {
    throw new Error(`EventStreamLookupProvider: ${message}`);
  };
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    fail('vpcSubnets and securityGroups need vpc: set the VPC the function should run in.');
  }
  if (props.logGroup && (props.logRetention !== undefined || props.logRemovalPolicy !== undefined || props.logEncryptionKey)) {
    fail('logGroup excludes logRetention, logRemovalPolicy and logEncryptionKey: set those on your own log group, or let the provider create one.');
  }
  const memory = props.memorySize;
  if (isLiteral(memory) && (!Number.isInteger(memory) || memory < 128 || memory > 10_240)) {
    fail(`memorySize is ${memory}, expected a whole number of MiB from 128 to 10240.`);
  }
  const reserved = props.reservedConcurrentExecutions;
  if (isLiteral(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
    fail(`reservedConcurrentExecutions is ${reserved}, expected a whole number of at least 1 (0 would stop every lookup).`);
  }
  const name = props.functionName;
  if (isLiteral(name) && !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    fail(`functionName ${JSON.stringify(name)} is not a Lambda function name: 1-64 letters, digits, '-' and '_'.`);
  }
}

/** The configuration in words, for the error about two configurations: constructs by path. */
export function describeProps(props: EventStreamLookupProviderProps): string {
  const entries = Object.entries(props)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}: ${describeValue(value)}`);
  return `{ ${entries.join(', ')} }`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(describeValue).join(', ')}]`;
  }
  if (Construct.isConstruct(value)) {
    return value.node.path;
  }
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${describeValue(v)}`).join(', ')} }`;
  }
  return Token.isUnresolved(value) ? '(token)' : JSON.stringify(value);
}

/** Set, and known at synth time (a token is checked by CloudFormation instead). */
function isLiteral<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Whether the configuration turns X-Ray tracing on. */
export function tracingEnabled(props: EventStreamLookupProviderProps): boolean {
  return props.tracing !== undefined && props.tracing !== lambda.Tracing.DISABLED;
}
