export * from './event-stream-lookup';
