// Route records (markdown files a route script wrote into a routes/ folder): read in order, and the number of
// figure rows they hold — how many candidates were measured before one was chosen.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Data rows of the markdown tables in `text` (not headers, not separators). */
export function tableRows(text: string): number {
  const l = text.split('\n');
  const separator = (line: string | undefined) => /^\|\s*-/.test(line ?? '');
  return l.filter((line, i) => line.startsWith('|') && !separator(line) && !separator(l[i + 1])).length;
}

export async function readRouteRecords(dir: string): Promise<{ file: string; text: string }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file) => ({ file, text: await readFile(path.join(dir, file), 'utf8') })),
  );
}
