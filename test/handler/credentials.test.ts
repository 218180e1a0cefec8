import { defaultProvider as chainProvider } from '@aws-sdk/credential-provider-node';
import { onDemand } from '../../lambda/aws';
import { defaultProvider, loadChain } from '../../lambda/credentials';

/**
 * The bundle's stand-in for the SDK's default credential chain (lambda/credentials.ts): the
 * environment's credentials, as Lambda gives them, without loading the chain; the chain itself
 * (its own bundle file) only when the environment holds none or names a profile.
 */

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CREDENTIAL_EXPIRATION'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
const originalLoad = loadChain.load;
let loads: unknown[];
const chainCredentials = { accessKeyId: 'CHAIN', secretAccessKey: 'chain-secret' };

beforeEach(() => {
  KEYS.forEach((k) => delete process.env[k]);
  loads = [];
  loadChain.load = () => (init) => {
    loads.push(init);
    return async () => chainCredentials;
  };
});
afterAll(() => {
  loadChain.load = originalLoad;
  KEYS.forEach((k) => (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k])));
});

test('Lambda\'s environment credentials, session token included, without loading the chain', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.AWS_SESSION_TOKEN = 'token';
  await expect(defaultProvider({})()).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  expect(loads).toEqual([]);
});

test('no init at all: the environment still', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });
  expect(loads).toEqual([]);
});

test.each([
  ['no credentials in the environment', {}, {}],
  ['a key without its secret', { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' }, {}],
  ['a secret without its key', { AWS_SECRET_ACCESS_KEY: 'secret' }, {}],
  ['AWS_PROFILE set (the chain prefers the profile)', { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: 'dev' }, {}],
  ['a profile in the client\'s config', { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }, { profile: 'dev' }],
])('%s: the default chain, given the same init', async (_, env, init) => {
  Object.assign(process.env, env);
  await expect(defaultProvider(init)()).resolves.toBe(chainCredentials);
  expect(loads).toEqual([init]);
});

test('the chain it loads is the SDK\'s own defaultProvider (lambda/credential-chain.ts, its own bundle file)', () => {
  expect(originalLoad()).toBe(chainProvider);
});

test('the clients loaded on demand are the SDK\'s (lambda/sts.ts, lambda/cloudformation.ts, their own bundle files)', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  expect(onDemand.sts().STSClient).toBe(require('@aws-sdk/client-sts').STSClient);
  expect(onDemand.sts().AssumeRoleCommand).toBe(require('@aws-sdk/client-sts').AssumeRoleCommand);
  expect(onDemand.cloudformation().CloudFormationClient).toBe(require('@aws-sdk/client-cloudformation').CloudFormationClient);
  expect(onDemand.cloudformation().DescribeStacksCommand).toBe(require('@aws-sdk/client-cloudformation').DescribeStacksCommand);
  /* eslint-enable @typescript-eslint/no-require-imports */
});
