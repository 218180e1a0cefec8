/**
 * The SDK's whole default credential chain (profiles, SSO, web identity, containers, instance
 * metadata...), bundled on its own (assets/lambda/index/credential-chain.js): loaded by
 * lambda/credentials.ts only when the environment holds no credentials, which never happens in Lambda.
 */
export { defaultProvider } from '@aws-sdk/credential-provider-node';
