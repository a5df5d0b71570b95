/**
 * Does `text` show `secret`? A short secret made only of hex digits (a 6-digit PIN) is looked for as a
 * whole word: inside the long random hex of key IDs, KCVs and fingerprints, any six digits turn up by
 * chance about once in 16^6 windows, which would fail a correct run now and then. A PIN that leaks is
 * printed as a word of its own ("PIN 648219"); leaks inside hex dumps are checked with the hex form
 * of the secret, which is long.
 */
export function showsSecret(text: string, secret: string): boolean {
  if (secret.length >= 12 || !/^[0-9A-Fa-f]+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(?<![0-9A-Fa-f])${secret}(?![0-9A-Fa-f])`).test(text);
}
