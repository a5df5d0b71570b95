// `npm run docs`: regenerate README's command reference from the yargs definitions.
import { readFileSync, writeFileSync } from 'node:fs';
import { BEGIN, END, commandReference } from './helpers/command-reference.ts';

const file = new URL('../README.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const start = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (start < 0 || end < start) throw new Error('README.md has no command-reference markers');
writeFileSync(file, text.slice(0, start) + (await commandReference()) + text.slice(end + END.length));
console.log('README.md: command reference regenerated');
