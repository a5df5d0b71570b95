// The DER pieces of certificates and requests against hand-written bytes (RFC 5280 §4.1.2.5 times,
// §4.2.1.6 GeneralName tags, X.520 attribute OIDs); whole certificates are checked by OpenSSL in
// test/cli/ops/keys-certs.test.ts.
import test from 'ava';
import { toHex } from '../../src/apdu/hex.ts';
import { encodeGeneralName, encodeName, encodeTime, signatureAlgorithm } from '../../src/card/formats/x509-build.ts';

test('times: UTCTime through 2049, GeneralizedTime from 2050', (t) => {
  // 17 0D "491231235959Z"
  t.is(toHex(encodeTime(new Date('2049-12-31T23:59:59Z'))), '170D3439313233313233353935395A');
  // 18 0F "20500101000000Z"
  t.is(toHex(encodeTime(new Date('2050-01-01T00:00:00Z'))), '180F32303530303130313030303030305A');
});

test('names: one RDN per attribute in the order written; C is a PrintableString, CN UTF8String', (t) => {
  // 30 19 | 31 0B 30 09 06 03 55 04 06 13 02 "DE" | 31 0A 30 08 06 03 55 04 03 0C 01 "a"
  const expected = '3019310B3009060355040613024445310A300806035504030C0161';
  t.is(toHex(encodeName('C=DE, CN=a')), expected);
  t.is(toHex(encodeName('/C=DE/CN=a')), expected);
  t.is(toHex(encodeName('CN=a\\,b')), '300E310C300A06035504030C03612C62', 'an escaped comma stays in the value');
});

test('subject alternative names: [1] email, [2] DNS, [6] URI, [7] IP (4 or 16 bytes)', (t) => {
  t.is(toHex(encodeGeneralName('DNS:a.b')), '8203612E62');
  t.is(toHex(encodeGeneralName('email:a@b')), '8103614062');
  t.is(toHex(encodeGeneralName('URI:x:y')), '8603783A79');
  t.is(toHex(encodeGeneralName('IP:192.0.2.1')), '8704C0000201');
  t.is(toHex(encodeGeneralName('IP:2001:db8::1')), '871020010DB8000000000000000000000001');
});

test('signature algorithm identifiers (RFC 4055, RFC 5758)', (t) => {
  // sha256WithRSAEncryption with NULL parameters
  t.is(toHex(signatureAlgorithm({ family: 'rsa-pkcs1', hash: 'sha256' })), '300D06092A864886F70D01010B0500');
  // ecdsa-with-SHA384, parameters absent
  t.is(toHex(signatureAlgorithm({ family: 'ecdsa', hash: 'sha384' })), '300A06082A8648CE3D040303');
  // RSASSA-PSS { [0] sha256, [1] MGF1(sha256), [2] 32 }
  t.is(
    toHex(signatureAlgorithm({ family: 'rsa-pss', hash: 'sha256' })),
    '303D06092A864886F70D01010A3030A00D300B0609608648016503040201A11A301806092A864886F70D010108300B0609608648016503040201A203020120',
  );
});
