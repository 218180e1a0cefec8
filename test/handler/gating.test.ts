import { GetEventStreamCommand, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { backoffMs } from '../../lambda/lookup';
import { createEvent, runningStream, stoppedStream } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

const h = HandlerHarness.forEachTest();

describe('requirements', () => {
  test('a STOPPED stream fails a RUNNING requirement, saying what was required and found', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'RUNNING' }));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe(
      "event stream 'orders' in domain 'retail-profiles' (us-east-1) does not meet the deployment's requirements: " +
        'required state RUNNING, found STOPPED (stopped since 2026-11-30T08:00:00.000Z). ' +
        'Fix the stream or its destination, then deploy again, or set waitTimeout to wait for it.',
    );
    expect(h.profiles.calls()).toHaveLength(1);
  });

  test('an unhealthy destination fails requireHealthyDestination, with its message', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream({ State: 'RUNNING', StoppedSince: undefined }));
    const response = await h.respond(createEvent(h.newUrl(), { RequireHealthyDestination: 'true' }));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      'required a HEALTHY destination, found UNHEALTHY since 2026-11-30T07:55:00.000Z: Kinesis stream retail-orders: AccessDenied on PutRecords',
    );
  });

  test('both requirements are reported together', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'RUNNING', RequireHealthyDestination: 'true' }));
    expect(response.Reason).toMatch(/required state RUNNING, found STOPPED .*; required a HEALTHY destination, found UNHEALTHY/);
  });

  test('a STOPPED requirement accepts a STOPPED stream', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'STOPPED' }));
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { State: 'STOPPED', StoppedSince: '2026-11-30T08:00:00.000Z' } });
  });

  test('without requirements a STOPPED stream is just reported', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    expect((await h.respond(createEvent(h.newUrl()))).Status).toBe('SUCCESS');
  });
});

describe('waiting', () => {
  test('succeeds once the stream starts running during the wait', async () => {
    h.profiles.on(GetEventStreamCommand)
      .resolvesOnce(stoppedStream())
      .resolvesOnce(stoppedStream())
      .resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'RUNNING', WaitTimeoutSeconds: '60' }));
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { State: 'RUNNING' } });
    expect(h.profiles.calls()).toHaveLength(3);
    expect(h.sleeps).toEqual([1000, 2000]);
  });

  test('gives up when the wait runs out, with what it saw and how long it waited', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'RUNNING', WaitTimeoutSeconds: '20' }));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain("does not meet the deployment's requirements after waiting 20s (6 checks): required state RUNNING, found STOPPED");
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000, 5000]);
  });

  test('keeps trying through throttling while waiting', async () => {
    h.profiles.on(GetEventStreamCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl(), { WaitTimeoutSeconds: '30', RequiredState: 'RUNNING' }));
    expect(response.Status).toBe('SUCCESS');
  });

  test('does not wait for a stream that does not exist', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    const response = await h.respond(createEvent(h.newUrl(), { WaitTimeoutSeconds: '300', RequiredState: 'RUNNING' }));
    expect(response.Status).toBe('FAILED');
    expect(h.profiles.calls()).toHaveLength(1);
  });

  test('backoff doubles from one second up to thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 12].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe('cross-account', () => {
  const role = 'arn:aws:iam::210987654321:role/ProfilesReader';
  test('assumes the role with the external id, then reads with its credentials', async () => {
    h.sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2026-12-01T01:00:00Z') },
    });
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl(), { RoleArn: role, ExternalId: 'shared-ext-id' }));
    expect(response.Status).toBe('SUCCESS');
    expect(h.sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({ RoleArn: role, ExternalId: 'shared-ext-id' });
    const client = h.profiles.send.getCall(0).thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE' });
  });

  test('names the role when assuming it fails', async () => {
    h.sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const response = await h.respond(createEvent(h.newUrl(), { RoleArn: role, ExternalId: 'shared-ext-id' }));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`could not assume role ${role} to read event stream 'orders' in domain 'retail-profiles' (us-east-1) via role ${role}: AccessDenied`);
    expect(response.Reason).toContain('expects this external ID');
    expect(h.profiles.calls()).toHaveLength(0);
  });

  test('fails clearly when AssumeRole returns no credentials', async () => {
    h.sts.on(AssumeRoleCommand).resolves({});
    const response = await h.respond(createEvent(h.newUrl(), { RoleArn: role }));
    expect(response.Reason).toContain('AssumeRole returned no credentials');
  });

  test('errors of the lookup itself name the role', async () => {
    h.sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date() } });
    h.profiles.on(GetEventStreamCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const response = await h.respond(createEvent(h.newUrl(), { RoleArn: role }));
    expect(response.Reason).toContain(`via role ${role}`);
    expect(response.Reason).toContain(`for ${role}.`);
  });
});
