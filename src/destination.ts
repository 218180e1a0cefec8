import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The destination Kinesis data stream as both lookup modes give it (`destinationStream`), with the
 * KMS permissions its consumers and producers need when it is encrypted.
 *
 * An event stream's destination is often encrypted with a customer managed KMS key, which a consumer
 * must be allowed to use (`kms:Decrypt`); a grant on the imported stream alone gives Kinesis
 * permissions only. The key is not learned (a deploy-time `DescribeStreamSummary` needs another
 * permission for the function and cannot make a grant conditional on its answer, since
 * CloudFormation cannot drop a statement on an attribute's value; a synth-time read would be cached
 * and go stale when the stream's key changes). Instead the grants carry a **scoped** KMS statement
 * that needs no key: the key actions on `arn:PARTITION:kms:REGION:ACCOUNT:key/*` of the stream's own
 * account and region, only when used **through Kinesis** in that region (`kms:ViaService` =
 * `kinesis.REGION.URL_SUFFIX`). So it works for any key of the stream, now or after a key change,
 * and cannot be used to decrypt anything outside Kinesis. For an unencrypted stream, or one encrypted
 * with the AWS managed key `alias/aws/kinesis` (whose key policy already allows Kinesis's callers in
 * the account), the statement is never used; it is still rendered, since synth cannot know.
 */

/** KMS actions a reader of an encrypted stream needs (as aws-cdk-lib's `grantDecrypt` names them). */
export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'] as const;
/** KMS actions a writer of an encrypted stream needs (as aws-cdk-lib's `grantEncrypt` names them). */
export const KMS_ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;

/**
 * The destination imported from its ARN, its grants including the scoped KMS statement. Customer
 * Profiles requires the destination in the domain's own account and region (CreateEventStream's API
 * reference), so `home` (the lookup's region and account, known at synth time) places the keys
 * without splitting the ARN: a deploy-time Uri read in another stack arrives as `Fn::GetStackOutput`
 * or `Fn::ImportValue`, which is better not split. Without `home` (a literal ARN) the ARN says it.
 */
export function importDestination(
  scope: Construct, id: string, streamArn: string, home?: { readonly region: string; readonly account: string },
): kinesis.IStream {
  return kinesis.Stream.fromStreamAttributes(scope, id, { streamArn, encryptionKey: kinesisKeys(scope, `${id}Keys`, streamArn, home) });
}

/**
 * The keys of the stream's account and region, as an `IKey` whose grants add the scoped statement
 * (every grant method a stream calls); any other use of it as a key is refused.
 */
function kinesisKeys(scope: Construct, id: string, streamArn: string, home?: { readonly region: string; readonly account: string }): kms.IKey {
  const stack = Stack.of(scope);
  const { partition, region, account } = home ? { partition: stack.partition, ...home } : Arn.split(streamArn, ArnFormat.SLASH_RESOURCE_NAME);
  const keysArn = `arn:${partition}:kms:${region}:${account}:key/*`;
  const viaKinesis = { StringEquals: { 'kms:ViaService': `kinesis.${region}.${stack.urlSuffix}` } };
  const imported = kms.Key.fromKeyArn(scope, id, keysArn);
  const grant = (grantee: iam.IGrantable, ...actions: string[]) =>
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [keysArn], conditions: viaKinesis });
  const scoped: Record<string, unknown> = {
    grant,
    grantDecrypt: (grantee: iam.IGrantable) => grant(grantee, ...KMS_DECRYPT_ACTIONS),
    grantEncrypt: (grantee: iam.IGrantable) => grant(grantee, ...KMS_ENCRYPT_ACTIONS),
    grantEncryptDecrypt: (grantee: iam.IGrantable) => grant(grantee, ...KMS_DECRYPT_ACTIONS, ...KMS_ENCRYPT_ACTIONS),
  };
  return new Proxy(imported, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in scoped) {
        return scoped[property];
      }
      if (typeof property === 'string' && /^grant/.test(property)) {
        throw new Error(
          `destinationStream.encryptionKey stands for any key of the stream's account and region used through Kinesis, not one key: ${property} is not available on it. ` +
            'Grant on your own key (kms.Key.fromKeyArn) instead.',
        );
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
