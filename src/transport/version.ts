/**
 * schsm's version, as package.json says (test/index.test.ts checks they agree). A constant instead of
 * reading package.json at run time: the CLI bundle (scripts/build.mjs) does not sit where package.json
 * is relative to the source file, and the read would cost every start.
 */
export const SCHSM_VERSION = '0.1.0';
