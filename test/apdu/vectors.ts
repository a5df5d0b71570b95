import { hex } from '../helpers/apdu.ts';
import { GAKP_EC_P256_TEXT } from '../helpers/vectors.ts';

/**
 * Byte vectors shared by the apdu tests, copied from sc-hsm-protocol.md and from the real traces in
 * /work/shared/traces/opensc-vs-independent-card (file and step named on each). Not a test file.
 */

/** §2.2 / §11.1: the SmartCard-HSM AID. */
export const AID = hex('E8 2B 06 01 04 01 81 C3 1F 02 01');

/** §11.2: the EC secp256r1 GENERATE ASYMMETRIC KEY PAIR body (256 bytes, CHR DENK010570200001). */
export const GAKP_EC_BODY = hex(GAKP_EC_P256_TEXT);

/**
 * §5.3: the EC PRKD from a real Nitrokey HSM, rebuilt from the dump. The dump elides the middle of the
 * 20-byte iD ("4D8B45C6…2035ED"): the 13 elided bytes are filled with EE here; every tag and length is
 * as dumped (A0 3F = 63 = 19 + 32 + 12).
 */
export const PRKD_5_3 = hex(`
  A0 3F
    30 11
      0C 08 6274632D74657374
      03 02 06 C0
      04 01 01
    30 1E
      04 14 4D8B45C6 EEEEEEEEEEEEEEEEEEEEEEEEEE 2035ED
      03 03 07 30 80
      02 01 01
    A1 0A 30 08
      30 02 04 00
      02 02 01 00`);

/** Trace 17-pkcs15-dump.opensc.log: READ BINARY of a PRKD (C4xx) written by OpenSC, without SW. */
export const PRKD_TRACE_17 = hex(`
  A0 2C 30 11 0C 08 65 63 32 35 36 2D 31 31 03 02
  06 C0 04 01 01 30 0B 04 01 11 03 03 07 30 80 02
  01 02 A1 0A 30 08 30 02 04 00 02 02 01 00`);

/** Trace 03-card-name.spy.log: the applet's answer to SELECT (FCP with tag 85), without SW 9000. */
export const FCP_TRACE_03 = hex(`
  62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B
  06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00
  00 FF 06 06`);
