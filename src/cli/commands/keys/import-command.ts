import { withAllowLastTry } from '../../pin-flags.ts';
import { defineCommand } from '../../command.ts';

/** The --format choices (card/formats/key-file.ts KEY_FILE_FORMATS; repeated here so --help loads no card code). */
const FORMATS = ['auto', 'pem', 'der', 'pkcs12', 'aes', 'aes-hex', 'wrapped'] as const;

/** `schsm keys import FILE`: the yargs definition (the work is in run-import.ts). */
export const importKey = defineCommand({
  command: 'import <file>',
  describe: 'import an existing key (PKCS#12, PEM/DER, raw AES, AES-wrapped) under the DKEK from the custodians’ shares',
  needsCard: true,
  builder: (y) =>
    withAllowLastTry(y)
      .positional('file', { type: 'string', demandOption: true, description: 'the key file' })
      .option('format', {
        choices: FORMATS,
        default: 'auto' as const,
        description: 'what FILE is: PEM/DER/PKCS#12 are recognised; raw AES keys need aes (binary) or aes-hex; --kek-file implies wrapped',
      })
      .option('share', { type: 'string', demandOption: true, description: 'DKEK share file (.pbe) of the devices; repeat for every share' })
      .option('password-env', {
        type: 'string',
        array: true,
        description: 'environment variable with the share password, once per --share in order',
      })
      .option('password-stdin', { type: 'boolean', default: false, description: 'read one share password per --share from stdin lines' })
      .option('threshold-shares', {
        type: 'number',
        description: 'the share file’s password was split: enter the prime and this many shares',
      })
      .option('shares-file', { type: 'string', description: 'read the threshold shares from this text file of printouts' })
      .option('share-id-base', {
        choices: ['hex', 'decimal'] as const,
        default: 'hex' as const,
        description: 'how threshold share IDs are read',
      })
      .option('p12-password-env', { type: 'string', description: 'environment variable with the PKCS#12 (or encrypted PEM/DER) password' })
      .option('p12-password-stdin', { type: 'boolean', default: false, description: 'read that password from the first line of stdin' })
      .option('kek-file', {
        type: 'string',
        description: 'AES key-encryption key (16/24/32 bytes, binary or hex; mode 0600) FILE was wrapped under',
      })
      .option('ref', { type: 'number', description: 'key reference on every device (default: the lowest free one on each)' })
      .option('id', {
        type: 'string',
        description: 'PKCS#15 / PKCS#11 ID in hex (default: the PKCS#12 localKeyId, else as OpenSC derives it)',
      })
      .option('label', { type: 'string', description: 'key label (default: the PKCS#12 friendlyName)' })
      .option('export', {
        type: 'boolean',
        default: true,
        description: 'allow WRAP KEY (backups, clone); --no-export: the key never leaves the card',
      })
      .option('replace', { type: 'boolean', default: false, description: 'replace an existing key at --ref with its PRKD and certificate' })
      .option('cert', { type: 'string', description: 'a certificate (PEM/DER) of the key to store with it in CExx; it must match the key' })
      .option('out', { type: 'string', description: 'also write the wrapped key in sc-hsm-tool’s format (mode 0600); alone: no device' })
      .option('pin-env', { type: 'string', description: 'environment variable with the user PIN; once, or once per --reader in order' })
      .option('pin-stdin', {
        type: 'boolean',
        default: false,
        description: 'read the user PIN of each device from stdin lines (after the other secrets)',
      })
      .option('pin', { type: 'string', description: 'the user PIN itself (leaks into shell history and ps)' })
      .example('schsm keys import signer.p12 --share a.pbe --share b.pbe', 'asks for the PKCS#12, share and PIN secrets (hidden)')
      .example(
        'schsm keys import signer.p12 --reader 0 --reader 1 --share a.pbe --share b.pbe --p12-password-env P12 --password-env PW1 --password-env PW2 --pin-env PIN',
        'the same key into two devices, each checked (KCV) and proven by a signature',
      )
      .example(
        'schsm keys import exported.bin --kek-file kek.bin --share a.pbe --label "from HSM X"',
        'a key another HSM exported with CKM_AES_KEY_WRAP_PAD',
      )
      .example('schsm keys import master.key --format aes --share a.pbe --no-export', 'a raw AES-256 key that can never be exported again')
      .example('schsm keys import key.pem --share a.pbe --ref 5 --out key5.wrapped', 'no device: the sc-hsm-tool wrapped-key file only')
      .epilogue(
        [
          '--reader may be given several times: the same key goes into every device named, each checked and proven.',
          'Secrets on stdin come in this order: the PKCS#12 password, one line per share password, then the user PIN of each device.',
          'Nothing is sent before every device is named and its DKEK check value matches the shares. --force overwrites an existing --out file.',
        ].join('\n'),
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-import.ts')).runKeysImport(args, ctx),
});
