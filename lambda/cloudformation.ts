/**
 * The CloudFormation client, bundled on its own (assets/lambda/index/cloudformation.js): loaded by
 * lambda/aws.ts only when an Update asks whether it is part of a rollback (lambda/rollback.ts), so
 * the cold path of every other lookup neither reads nor parses it.
 */
export { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
