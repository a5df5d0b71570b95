// The CLI bundle measures help text with src/cli/text-width.ts instead of string-width (scripts/build.mjs
// aliases it; start-up time). The oracle is string-width itself, the version yargs depends on.
import test from 'ava';
import stringWidth from 'string-width';
import textWidth from '../../src/cli/text-width.ts';
import { leafCommands, commandTree } from '../../src/cli/reference/introspect.ts';
import { runCliCaptured } from '../helpers/cli.ts';

const SAMPLES = [
  '',
  'plain ASCII',
  'héllo wörld ß ¼ ± ° Ω',
  'schsm — driver · wrap → unwrap ≤ 2 s …',
  '中文字 カタカナ ｶﾀｶﾅ 한국어 Ａｂｃ',
  '\u1100\u1161 jamo',
  '😀 👍🏽 ❤️ ❤ © ©️ ☺ ✔ ✔️ ⌚ ☔ 1️⃣ #⃣ 🇩🇪 👨‍👩‍👧 🏳️‍🌈 🧑🏽‍💻',
  'e\u0301 a\u0308 combining',
  '\u200Bzero width, soft\u00ADhyphen, ab\u200Dcd, x\uFE0F',
  '\u001b[31mred\u001b[0m \u001b[1mbold\u001b[22m',
  'tab\there, nul\u0000, C1\u0085',
  '𝐀 𠀀 astral',
];

test('text-width measures like string-width: samples from ASCII to emoji sequences', (t) => {
  for (const s of SAMPLES) {
    t.is(textWidth(s), stringWidth(s), JSON.stringify(s));
    for (const word of s.split(' ')) t.is(textWidth(word), stringWidth(word), JSON.stringify(word));
    t.is(textWidth(s, { ambiguousIsNarrow: false }), stringWidth(s, { ambiguousIsNarrow: false }), `${JSON.stringify(s)}, ambiguous wide`);
    t.is(
      textWidth(s, { countAnsiEscapeCodes: true }),
      stringWidth(s, { countAnsiEscapeCodes: true }),
      `${JSON.stringify(s)}, ANSI counted`,
    );
  }
  t.is(textWidth(undefined), 0);
  t.is(textWidth('中文'), 4, 'wide characters take two columns');
  t.is(textWidth('\u001b[31mab\u001b[0m'), 2, 'colour codes take none');
});

test('text-width measures every line of every help text like string-width', async (t) => {
  const paths = [[], ...leafCommands(commandTree()).map((c) => [...c.path])];
  let lines = 0;
  for (const p of paths) {
    const { stdout } = await runCliCaptured([...p, '--help']);
    for (const l of stdout.split('\n')) {
      lines++;
      if (textWidth(l) !== stringWidth(l)) t.fail(`schsm ${p.join(' ')} --help: ${JSON.stringify(l)}`);
    }
  }
  t.true(lines > 500, `${lines} lines compared`);
});
