/**
 * The `Data` of a successful response: the attributes a lookup offers to `Fn::GetAtt`.
 */

/** Names of the `Fn::GetAtt` attributes every successful lookup returns (always all of them). */
export const ATTRIBUTE_NAMES = [
  'EventStreamArn',
  'Uri',
  'State',
  'DestinationStatus',
  'DestinationMessage',
  'CreatedAt',
  'StoppedSince',
  'UnhealthySince',
  'Exists',
  'DomainName',
  'EventStreamName',
  'Region',
] as const;

/** One attribute name. */
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

/** Every attribute, as a string (empty when absent). */
export type LookupAttributes = Record<AttributeName, string>;
