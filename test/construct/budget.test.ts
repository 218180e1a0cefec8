import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { spreadMs } from '../../lambda/pacing';
import { EventStreamLookup } from '../../src';
import * as timeouts from '../../src/timeouts';
import * as storm from '../../src/wire/storm';
import { testApp, testStack } from '../fixtures/stacks';

/**
 * Budgets sized for the stack: the function's timeout and each lookup's ServiceTimeout grow with the
 * number of lookups at the planned rate (5/s, burst 10 unless the context says otherwise).
 */

const TYPE = 'Custom::EventStreamLookup';
const plan = (lookups: number, requestsPerSecond = 5, burst = 10): storm.StormPlan => ({ lookups, rate: { requestsPerSecond, burst } });

function stackOf(lookups: number, options: { context?: Record<string, string>; waitTimeout?: Duration } = {}) {
  const stack = testStack(testApp(options.context));
  for (let i = 0; i < lookups; i++) {
    new EventStreamLookup(stack, `L${i}`, { domainName: 'd', eventStreamName: `s${i}`, waitTimeout: i === 0 ? options.waitTimeout : undefined });
  }
  return stack;
}

describe('the formula', () => {
  test('storm: (N - burst) / rate, rounded up, 0 while the burst covers the stack', () => {
    expect([1, 10, 11, 100, 400].map((n) => storm.stormSeconds(plan(n)))).toEqual([0, 0, 1, 18, 78]);
    expect(storm.stormSeconds(plan(400, 50))).toBe(8);
  });

  test('function timeout: longest wait + storm + check (30 s) + margin (30 s), at most 900 s', () => {
    expect(timeouts.functionTimeoutSeconds(0, plan(1))).toBe(60);
    expect(timeouts.functionTimeoutSeconds(0, plan(400))).toBe(78 + 60);
    expect(timeouts.functionTimeoutSeconds(300, plan(400))).toBe(300 + 78 + 60);
    expect(timeouts.functionTimeoutSeconds(840, plan(400))).toBe(900);
  });

  test('ServiceTimeout: queue (beyond 10 lookups: storm + 300 s of Lambda retry interval) + wait + storm + check + margin (60 s)', () => {
    expect(timeouts.serviceTimeoutSeconds(0, plan(1))).toBe(90);
    expect(timeouts.serviceTimeoutSeconds(0, plan(10))).toBe(90);
    expect(timeouts.serviceTimeoutSeconds(0, plan(11))).toBe(1 + 300 + 1 + 30 + 60);
    expect(timeouts.serviceTimeoutSeconds(300, plan(400))).toBe(78 + 300 + 300 + 78 + 30 + 60);
    expect(timeouts.serviceTimeoutSeconds(840, plan(490, 0.4))).toBe(3600);
  });

  test('the spread: uniform over the storm left', () => {
    expect(spreadMs(plan(400), 0)).toBe(0);
    expect(spreadMs(plan(400), 0.5)).toBe(39_000);
    expect(spreadMs(plan(400), 7)).toBe(78_000);
    expect(spreadMs(plan(5), 0.9)).toBe(0);
    // Over what is left of the storm since the request; at once when later than a cold start.
    expect(spreadMs(plan(400), 0.5, 2_000)).toBe(38_000);
    expect(spreadMs(plan(400), 1, 3_000)).toBe(75_000);
    expect(spreadMs(plan(400), 1, 3_001)).toBe(0);
    expect(spreadMs(plan(20), 1, 2_500)).toBe(0);
  });

  test('the plan travels through the environment; anything odd means one lookup at the documented rate', () => {
    expect(storm.decodeStormPlan(storm.encodeStormPlan(plan(400, 50, 20)))).toEqual(plan(400, 50, 20));
    for (const text of [undefined, '', 'nonsense', 'null', '{"lookups":-1,"rate":5,"burst":10}', '{"lookups":3,"rate":"5","burst":10}']) {
      expect(storm.decodeStormPlan(text)).toEqual(plan(1));
    }
  });

  test('the warning: only beyond 900 s; the wait named only when there is one; the context key that raises the rate', () => {
    // 400 lookups: a storm of 78 s, + 30 s check + 30 s margin = 138 s; a wait of 762 s reaches 900 s exactly.
    expect(timeouts.budgetWarning(762, plan(400))).toBeUndefined();
    const withWait = timeouts.budgetWarning(763, plan(400));
    expect(withWait).toContain('need 78s to pass the rate limit, plus the longest waitTimeout of 763s, 30s for a check and a 30s margin: 901s, more than Lambda\'s 900s');
    expect(withWait).toContain(`or set the context value ${storm.API_RATE_CONTEXT_KEY} to a higher quota granted to the account.`);
    // 5,000 lookups need 998 s for their first calls alone.
    const stormOnly = timeouts.budgetWarning(0, plan(5000));
    expect(stormOnly).toContain('need 998s to pass the rate limit, 30s for a check');
    expect(stormOnly).not.toContain('longest waitTimeout');
  });

  test('the rate from the context: "R/B" or an object; nonsense fails the synth', () => {
    expect(timeouts.parseApiRate(undefined)).toEqual(storm.DOCUMENTED_RATE);
    expect(timeouts.parseApiRate('50/10')).toEqual({ requestsPerSecond: 50, burst: 10 });
    expect(timeouts.parseApiRate({ requestsPerSecond: 2.5, burst: 4 })).toEqual({ requestsPerSecond: 2.5, burst: 4 });
    for (const bad of ['50', '0/10', '5/x', '5/10/1', 7, null]) {
      expect(() => timeouts.parseApiRate(bad)).toThrow(/invalid context value cdk-event-stream-lookup:api-rate/);
    }
  });
});

describe('in the template', () => {
  test('400 lookups: the function waits out the storm and tells the handler the plan', () => {
    const template = Template.fromStack(stackOf(400));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 138,
      Environment: { Variables: { EVENT_STREAM_LOOKUP_STORM: '{"lookups":400,"rate":5,"burst":10}' } },
    });
    template.hasResourceProperties(TYPE, { EventStreamName: 's1', ServiceTimeout: String(78 + 300 + 78 + 30 + 60) });
  });

  test('a lone lookup keeps the small budget', () => {
    const template = Template.fromStack(stackOf(1));
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 60 });
    template.hasResourceProperties(TYPE, { ServiceTimeout: '90' });
  });

  test('the planned rate comes from the context', () => {
    const template = Template.fromStack(stackOf(400, { context: { [EventStreamLookup.API_RATE_CONTEXT_KEY]: '50/10' } }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 8 + 60,
      Environment: { Variables: { EVENT_STREAM_LOOKUP_STORM: '{"lookups":400,"rate":50,"burst":10}' } },
    });
  });

  test('no warning while the lookups fit Lambda\'s 900 s', () => {
    const stack = stackOf(400, { waitTimeout: Duration.minutes(10) });
    Template.fromStack(stack);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a warning on the stack when they cannot: what, why and what to do', () => {
    const stack = stackOf(400, { waitTimeout: Duration.minutes(14) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
    const warnings = Annotations.fromStack(stack).findWarning('/Consumer', Match.anyValue()).map((w) => w.entry.data);
    expect(warnings).toEqual([
      expect.stringMatching(/400 lookups at 5 GetEventStream calls\/s \(burst 10\) need 78s .* waitTimeout of 840s.* 978s, more than Lambda's 900s.*Spread the lookups over more stacks/),
    ]);
    // Its id lets a user acknowledge it: Annotations.of(stack).acknowledgeWarning('cdk-event-stream-lookup:budget').
    expect(warnings[0]).toMatch(/ \[ack: cdk-event-stream-lookup:budget\]$/);
  });
});
