/** CoT input: bounded XML and TAK protocol v1 decoding, stream cutting, listeners, blue force. */
export * from './xml.js';
export * from './parse.js';
export * from './takproto.js';
export * from './stream.js';
export * from './receiver.js';
export * from './blue-force.js';
export * from './listener.js';
