/** Host-side SmartCard-HSM file formats (§8, §9): pure functions, no card I/O. */
export * from './errors.ts';
export * from './md5.ts';
export * from './md5-chain.ts';
export * from './evp-bytes-to-key.ts';
export * from './dkek-share-file.ts';
export * from './kcv.ts';
export * from './threshold.ts';
export * from './threshold-text.ts';
export * from './cmac.ts';
export * from './algorithm-names.ts';
export * from './ec-curves.ts';
export * from './public-key.ts';
export * from './key-blob-layout.ts';
export * from './key-blob-components.ts';
export * from './key-blob.ts';
export * from './key-blob-encode.ts';
export * from './key-description.ts';
