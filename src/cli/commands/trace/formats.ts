import type { LogFormat } from '../../../trace/import/index.ts';

/**
 * The formats `--format` accepts (see trace/import/index.ts). Its own module because the command.ts
 * files import it eagerly and load.ts pulls in every importer.
 */
export const FORMAT_CHOICES = ['schsm', 'opensc', 'pcsc-spy', 'spy-raw', 'scriptor'] as const satisfies readonly LogFormat[];
