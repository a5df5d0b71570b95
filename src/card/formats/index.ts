/** Host-side SmartCard-HSM file formats (§8, §9): pure functions, no card I/O. */
export * from './errors.ts';
export * from './md5.ts';
export * from './md5-chain.ts';
export * from './evp-bytes-to-key.ts';
export * from './dkek-share-file.ts';
export * from './kcv.ts';
export * from './threshold.ts';
export * from './threshold-text.ts';
