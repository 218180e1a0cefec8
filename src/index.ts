export * from './event-stream-attributes';
export * from './event-stream-lookup';
