/**
 * The STS client, bundled on its own (assets/lambda/index/sts.js): loaded by lambda/aws.ts only
 * when a lookup assumes a role (a cross-account lookup), so the cold path of every other lookup
 * neither reads nor parses it.
 */
export { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
