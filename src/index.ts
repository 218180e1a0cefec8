export * from './event-stream-lookup';
export { REFRESH_CONTEXT_KEY } from './provider';
