/**
 * What Customer Profiles, STS and IAM accept as names: checked by the construct at synth time (for
 * literal values) and by the handler at deploy time (for everything, tokens resolved).
 */

/** Names accepted by Customer Profiles for domains and event streams. */
export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** AWS region names, such as `us-east-1` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** IAM role ARNs in any partition (`sts:AssumeRole` accepts paths up to 512 characters). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** External IDs as `sts:AssumeRole` accepts them. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
