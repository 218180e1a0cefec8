export * from './event-stream-attributes';
export * from './event-stream-lookup';
export * from './provider-props';
export { EventStreamLookupProvider } from './provider';
