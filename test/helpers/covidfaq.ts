import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The CovidFAQ retrieval set (BEIR format) in the workspace's shared data, beside the
 * project's folder; undefined when it is not there (a test then says where it is expected).
 */
export const COVIDFAQ: string | undefined = [
  join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'covidfaq'),
  '/work/shared/data/covidfaq',
].find((dir) => existsSync(join(dir, 'corpus.jsonl')));
