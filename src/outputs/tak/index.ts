/** TAK output: CoT XML and TAK protocol v1 events from tracks, multicast and TAK server senders. */
export * from './cot.js';
export * from './cot-types.js';
export * from './event.js';
export * from './takproto.js';
export * from './queue.js';
export * from '../../net/backoff.js';
export * from './stream.js';
export * from './multicast.js';
