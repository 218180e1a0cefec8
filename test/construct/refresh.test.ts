import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as pkg from '../../src';
import { EventStreamLookup } from '../../src';
import { ENV, testApp, testStack } from '../fixtures/stacks';

const refreshTokens = (stack: Stack) =>
  Object.values(Template.fromStack(stack).findResources('Custom::EventStreamLookup')).map((r) => r.Properties.RefreshToken);

describe('refreshOnEveryDeployment', () => {
  test('is off by default: the properties only change when the props do', () => {
    const stack = testStack(testApp({ [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'one' }));
    new EventStreamLookup(stack, 'L', { domainName: 'd', eventStreamName: 's' });
    expect(refreshTokens(stack)).toEqual([undefined]);
  });

  test('takes the trigger from context, the same for every lookup of the stack', () => {
    const stack = testStack(testApp({ [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'commit-abc123' }));
    new EventStreamLookup(stack, 'A', { domainName: 'd', eventStreamName: 'a', refreshOnEveryDeployment: true });
    new EventStreamLookup(stack, 'B', { domainName: 'd', eventStreamName: 'b', refreshOnEveryDeployment: true });
    expect(refreshTokens(stack)).toEqual(['commit-abc123', 'commit-abc123']);
  });

  test('a new context value changes the properties, so CloudFormation sends an Update', () => {
    const synth = (token: string) => {
      const stack = testStack(testApp({ [EventStreamLookup.REFRESH_CONTEXT_KEY]: token }));
      new EventStreamLookup(stack, 'L', { domainName: 'd', eventStreamName: 's', refreshOnEveryDeployment: true });
      return refreshTokens(stack)[0];
    };
    expect(synth('deploy-1')).not.toEqual(synth('deploy-2'));
    expect(synth('deploy-1')).toEqual(synth('deploy-1'));
  });

  test('without the context value, the synth time is the trigger', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T12:34:56Z') });
    try {
      const stack = new Stack(new App(), 'S', { env: ENV });
      new EventStreamLookup(stack, 'L', { domainName: 'd', eventStreamName: 's', refreshOnEveryDeployment: true });
      expect(refreshTokens(stack)).toEqual(['2026-12-01T12:34:56.000Z']);
    } finally {
      jest.useRealTimers();
    }
  });

  test('the context key is a constant of the class, for every jsii language, and the package exports it only there', () => {
    expect(EventStreamLookup.REFRESH_CONTEXT_KEY).toBe('cdk-event-stream-lookup:refresh-token');
    expect(Object.keys(pkg)).not.toContain('REFRESH_CONTEXT_KEY');
  });
});
