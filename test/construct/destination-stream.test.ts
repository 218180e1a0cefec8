import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventStreamLookup } from '../../src';
import { ENV, testApp } from '../fixtures/stacks';

/** `destinationStream` is built from the looked-up Uri, so a consumer is one line, with no literal ARN. */

function consumer(): { stack: Stack; lookup: EventStreamLookup; fn: lambda.Function } {
  const stack = new Stack(testApp(), 'Consumer', { env: ENV });
  const lookup = new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return { stack, lookup, fn };
}

const uri = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Orders'), 'Uri'] };

test('its ARN is the Uri attribute', () => {
  const { stack, lookup } = consumer();
  expect(stack.resolve(lookup.destinationStream.streamArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Uri'] });
});

test('grants read on exactly the destination', () => {
  const { stack, lookup, fn } = consumer();
  lookup.destinationStream.grantRead(fn);
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kinesis:GetRecords']), Resource: uri })]) },
  });
});

test('feeds an event source mapping', () => {
  const { stack, lookup, fn } = consumer();
  fn.addEventSource(new KinesisEventSource(lookup.destinationStream, { startingPosition: lambda.StartingPosition.LATEST }));
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: uri, StartingPosition: 'LATEST' });
});

test('its name is split from the Uri at deploy time', () => {
  const { stack, lookup } = consumer();
  expect(JSON.stringify(stack.resolve(lookup.destinationStream.streamName))).toContain('Fn::Split');
});

describe('with failIfMissing: false', () => {
  function maybeMissing(): { stack: Stack; lookup: EventStreamLookup; fn: lambda.Function } {
    const { stack, fn } = consumer();
    const lookup = new EventStreamLookup(stack, 'Archive', { domainName: 'retail-profiles', eventStreamName: 'archive', failIfMissing: false });
    return { stack, lookup, fn };
  }
  const refusal = /Archive: destinationStream is not available with failIfMissing: false, because a missing stream has an empty destinationUri and IAM rejects a grant on an empty ARN at deploy time\. Keep failIfMissing at true/;

  test('a grant on the destination is refused at synth, saying what to do', () => {
    const { lookup, fn } = maybeMissing();
    expect(() => lookup.destinationStream.grantRead(fn)).toThrow(refusal);
  });

  test('so is an event source on it', () => {
    const { lookup, fn } = maybeMissing();
    const source = () => new KinesisEventSource(lookup.destinationStream, { startingPosition: lambda.StartingPosition.LATEST });
    expect(() => fn.addEventSource(source())).toThrow(refusal);
  });

  test('no template can carry a grant or mapping on the lookup\'s Uri', () => {
    const { stack, lookup, fn } = maybeMissing();
    expect(() => lookup.destinationStream).toThrow(refusal);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('"Uri"');
    void fn;
  });

  test('failIfMissing: true (explicitly) keeps the stream', () => {
    const { stack, fn } = consumer();
    const lookup = new EventStreamLookup(stack, 'Explicit', { domainName: 'retail-profiles', eventStreamName: 'explicit', failIfMissing: true });
    lookup.destinationStream.grantRead(fn);
    expect(lookup.destinationStream).toBe(lookup.destinationStream);
  });
});
