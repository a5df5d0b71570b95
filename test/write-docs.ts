// `npm run docs`: regenerate README's command table and the man page man/schsm.1 from the command definitions.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MAN_PAGE, README, readmeWithTable, readText, renderedManPage } from './helpers/docs.ts';

writeFileSync(README, readmeWithTable(readText(README)));
mkdirSync(path.dirname(MAN_PAGE), { recursive: true });
writeFileSync(MAN_PAGE, renderedManPage());
console.log('README.md (command table) and man/schsm.1 regenerated');
