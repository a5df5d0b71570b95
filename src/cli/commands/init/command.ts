import { defineCommand } from '../../command.ts';
import { withAllowLastTry } from '../../pin-flags.ts';

/**
 * `schsm init`: INITIALIZE DEVICE (§3.9). Refuses without --yes (exit 4); on an initialised device it
 * needs the CURRENT SO-PIN (the card checks it) and refuses on the SO-PIN's last try unless --allow-last-try.
 */
export const initCommand = defineCommand({
  command: 'init',
  describe: 'initialise the device: set SO-PIN and user PIN, DKEK shares, retry counter — ERASES every key and file',
  needsCard: true,
  builder: (y) =>
    withAllowLastTry(y)
      .option('yes', {
        type: 'boolean',
        default: false,
        description: 'confirm that every key, certificate and file on the device may be erased',
      })
      .option('so-pin-env', { type: 'string', description: 'read the SO-PIN (16 hex digits) from this environment variable' })
      .option('so-pin-stdin', {
        type: 'boolean',
        default: false,
        description: 'read the SO-PIN from the first line of stdin (the user PIN from the next)',
      })
      .option('so-pin', {
        type: 'string',
        description: 'the SO-PIN itself (leaks into shell history and ps; prefer the prompt or --so-pin-env)',
      })
      .option('pin-env', { type: 'string', description: 'read the new user PIN from this environment variable' })
      .option('pin-stdin', { type: 'boolean', default: false, description: 'read the new user PIN from a line of stdin' })
      .option('pin', { type: 'string', description: 'the new user PIN itself (leaks into shell history and ps)' })
      .option('dkek-shares', {
        type: 'number',
        description:
          'number of DKEK shares to import afterwards (0: the card makes a random DKEK; omit: no DKEK, keys can never be wrapped)',
      })
      .option('retry-counter', {
        type: 'number',
        default: 3,
        description: 'user PIN tries before it blocks (1..10; ≤3 for 6-character PINs, ≤5 for 7)',
      })
      .option('label', { type: 'string', description: 'token label written to EF 2F03 (what pkcs11-tool -L shows)' })
      .option('session-pin', {
        type: 'boolean',
        default: false,
        description: 'let the card issue session PINs (option 0x0004; see `schsm pin session`)',
      })
      .option('transport-pin', {
        type: 'boolean',
        default: false,
        description:
          'the user PIN given is a transport PIN (option 0x0002): the device refuses every login, and so all key use, until it is changed with `schsm pin change`',
      })
      .option('pka', {
        type: 'string',
        description:
          'public key authentication TOTAL:REQUIRED: TOTAL public keys of other SmartCard-HSMs get registered, REQUIRED of them must authenticate (1 ≤ REQUIRED ≤ TOTAL ≤ 90); the user PIN still works too',
      })
      .option('key-domains', {
        type: 'number',
        description:
          'number of key domains (1..255, INITIALIZE tag 97): slots 0..N-1, each a DKEK domain made with `schsm domain create`; --dkek-shares then configures domain 0',
      })
      .example(
        'SO_PIN=… PIN=… schsm init --so-pin-env SO_PIN --pin-env PIN --dkek-shares 1 --yes',
        'initialise for one DKEK share (import it with `schsm dkek import-share`)',
      )
      .example('schsm init --dkek-shares 2 --label "CA key store" --yes', 'asks for the SO-PIN and the user PIN (hidden, twice)')
      .example(
        'schsm init --transport-pin --dkek-shares 1 --yes',
        'the PIN set is a transport PIN; the key holder sets their own with `schsm pin change` before any key can be used',
      )
      .example('schsm init --key-domains 4 --yes', 'four key domain slots; then `schsm domain create --domain 0 --shares 1`')
      .example('schsm init --pka 3:2 --yes', '2 of 3 custodians must authenticate (then `schsm pka register FILE` three times)')
      .strict(),
  handler: async (args, ctx) => {
    const { runInit } = await import('./run.ts');
    return runInit(args, ctx);
  },
});
