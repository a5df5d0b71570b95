// The generated documentation, rendered from the command definitions: README's one-line-per-command
// table (between markers) and the man page man/schsm.1. `npm run docs` writes both (test/write-docs.ts);
// test/docs.test.ts checks that the files in the tree are what the code renders (no drift).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commandTree } from '../../src/cli/reference/introspect.ts';
import { manPage } from '../../src/cli/reference/man.ts';
import { commandTable, TABLE_BEGIN, TABLE_END } from '../../src/cli/reference/table.ts';
import { ROOT } from './package-build.ts';

export const README = path.join(ROOT, 'README.md');
export const MAN_PAGE = path.join(ROOT, 'man', 'schsm.1');

/** The README text with its command table replaced by the rendered one. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no command-table markers');
  return readme.slice(0, start) + commandTable(commandTree()) + readme.slice(end + TABLE_END.length);
}

export function renderedManPage(): string {
  return manPage(commandTree());
}

export const readText = (file: string): string => readFileSync(file, 'utf8');
