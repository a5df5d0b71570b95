/** `schsm keys request` and `schsm keys self-sign`: PKCS#10 and X.509 signed by a key on the card (issue 12 item 3). */
import type { Argv } from 'yargs';
import { defineCommand } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

function common<T>(y: Argv<T>) {
  return withPinOptions(y)
    .option('ref', { type: 'number', demandOption: true, description: 'key reference (1..255), as `schsm keys list` shows it' })
    .option('subject', {
      type: 'string',
      demandOption: true,
      description: 'distinguished name, in the order written: "CN=Signer, O=Example" or "/O=Example/CN=Signer"',
    })
    .option('san', {
      type: 'string',
      array: true,
      description: 'subject alternative name, repeatable: DNS:host, email:a@b, URI:…, IP:addr',
    })
    .option('alg', {
      type: 'string',
      description: 'SHA256-RSA-PKCS (RSA default), RSA-PSS-SHA256, ECDSA-SHA256 (EC default: by curve size) … SHA-224 to SHA-512',
    });
}

export const request = defineCommand({
  command: 'request',
  describe: 'write a PKCS#10 certificate request for a key, signed on the card',
  needsCard: true,
  builder: (y) =>
    common(y)
      .option('out', {
        type: 'string',
        nargs: 1,
        demandOption: true,
        description: 'PEM file, never overwritten without --force; - for stdout',
      })
      .example(
        'schsm keys request --ref 1 --subject "CN=hsm.example.org, O=Example" --san DNS:hsm.example.org --out req.pem',
        'for your CA',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-request.ts')).runKeysRequest(args, ctx),
});

export const selfSign = defineCommand({
  command: 'self-sign',
  describe: 'make a self-signed X.509 v3 certificate for a key, signed on the card; stored with the key (CExx) and/or written out',
  needsCard: true,
  builder: (y) =>
    common(y)
      .option('days', { type: 'number', default: 365, description: 'validity in days from now' })
      .option('ca', {
        type: 'boolean',
        default: false,
        description: 'a CA certificate (basicConstraints CA:TRUE; key usage keyCertSign, cRLSign, digitalSignature)',
      })
      .option('key-usage', {
        type: 'string',
        description:
          'comma-separated: digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign',
      })
      .option('out', { type: 'string', nargs: 1, description: 'also write it here (PEM; never overwritten without --force; - for stdout)' })
      .option('store', { type: 'boolean', default: true, description: 'store it with the key in CExx (--no-store: only --out)' })
      .option('replace', { type: 'boolean', default: false, description: 'replace the X.509 certificate the key already has' })
      .example('schsm keys self-sign --ref 1 --subject "CN=Metadata signer, O=Example Federation" --days 3650', 'stored with key 1')
      .example('schsm keys self-sign --ref 2 --subject "CN=Test CA" --ca --days 730 --no-store --out ca.pem', 'written out only')
      .strict(),
  handler: async (args, ctx) => (await import('./run-self-sign.ts')).runKeysSelfSign(args, ctx),
});
