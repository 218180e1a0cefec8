export * from './event-stream';
export * from './lookup/event-stream-lookup';
export * from './lookup/props';
export * from './provider/props';
export { EventStreamLookupProvider } from './provider/provider';
export * from './synth-time/options';
export * from './synth-time/lookup-role-grant';
export { EventStreamWatch } from './watch/event-stream-watch';
export * from './watch/props';
