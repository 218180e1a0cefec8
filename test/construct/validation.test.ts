import { CfnParameter, Duration, Lazy } from 'aws-cdk-lib';
import { EventStreamLookup, EventStreamLookupProps } from '../../src';
import { validateWaitTimeout } from '../../src/validation';
import { MAX_WAIT_SECONDS } from '../../src/wire/timing';
import { testStack } from '../fixtures/stacks';

const valid: EventStreamLookupProps = { domainName: 'retail-profiles', eventStreamName: 'orders' };
const make = (props: Partial<EventStreamLookupProps>) => () => new EventStreamLookup(testStack(), 'L', { ...valid, ...props });

describe('synth-time validation names the prop and the bad value', () => {
  test.each([
    ['domainName', ''],
    ['domainName', 'has spaces'],
    ['domainName', 'x'.repeat(65)],
    ['eventStreamName', 'dots.are.bad'],
    ['eventStreamName', 'ünïcode'],
  ])('%s %p', (prop, value) => {
    expect(make({ [prop]: value })).toThrow(`EventStreamLookup: invalid ${prop} ${JSON.stringify(value)}: expected 1-64 characters`);
  });

  test('the longest valid names pass', () => {
    expect(make({ domainName: 'a'.repeat(64), eventStreamName: 'A_-9'.repeat(16) })).not.toThrow();
  });

  test('region', () => {
    expect(make({ region: 'Virginia' })).toThrow('EventStreamLookup: invalid region "Virginia"');
    expect(make({ region: 'ap-southeast-5' })).not.toThrow();
  });

  test('roleArn', () => {
    expect(make({ roleArn: 'ProfilesReader' })).toThrow('EventStreamLookup: invalid roleArn "ProfilesReader"');
    expect(make({ roleArn: 'arn:aws-cn:iam::123456789012:role/path/Reader' })).not.toThrow();
  });

  test('externalId', () => {
    expect(make({ externalId: 'abc' })).toThrow('externalId is set but roleArn is not');
    expect(make({ roleArn: 'arn:aws:iam::123456789012:role/R', externalId: 'a' })).toThrow('EventStreamLookup: invalid externalId "a"');
  });

  test('waitTimeout above what fits one Lambda invocation', () => {
    expect(make({ waitTimeout: Duration.minutes(15) })).toThrow('EventStreamLookup: waitTimeout is 15 minutes, expected at most 14 minutes');
    expect(make({ waitTimeout: Duration.minutes(14) })).not.toThrow();
  });

  test('waitTimeout in whole seconds, rounded up; zero is no wait', () => {
    expect(validateWaitTimeout(Duration.millis(1_500))).toBe(2);
    expect(validateWaitTimeout(Duration.seconds(0))).toBe(0);
    expect(validateWaitTimeout(undefined)).toBe(0);
    expect(validateWaitTimeout(Duration.seconds(MAX_WAIT_SECONDS))).toBe(MAX_WAIT_SECONDS);
    expect(() => validateWaitTimeout(Duration.millis(MAX_WAIT_SECONDS * 1000 + 1))).toThrow('expected at most 14 minutes');
  });

  test('waitTimeout must be known at synth time', () => {
    expect(make({ waitTimeout: Duration.seconds(Lazy.number({ produce: () => 5 })) })).toThrow('waitTimeout must be known at synth time');
  });

  test('tokens pass synth-time validation (the handler checks them at deploy time)', () => {
    const stack = testStack();
    const p = (id: string) => new CfnParameter(stack, id).valueAsString;
    expect(() => new EventStreamLookup(stack, 'L', {
      domainName: p('D'), eventStreamName: p('S'), region: p('R'), roleArn: p('A'), externalId: p('E'),
    })).not.toThrow();
  });
});
