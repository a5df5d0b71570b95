export * from './transport.ts';
export * from './errors.ts';
export * from './redact.ts';
