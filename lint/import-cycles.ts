// The import graph of the project's TypeScript (type imports too: a circle of types is a circle of rooms), and
// the circles in it (strongly connected components of more than one file).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOMS = ['app', 'model', 'training', 'contract', 'domain', 'electron', 'renderer/src'];
const SKIP = new Set(['node_modules', 'dist', 'test-output', 'training-output', 'dist-electron']);

function sources(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) {
      if (!SKIP.has(name)) sources(root, rel, out);
    } else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name)) out.push(rel);
  }
}

/** Relative imports of each non-test TypeScript file, as project-relative paths. */
export function importGraph(root: string): Map<string, string[]> {
  const files: string[] = [];
  for (const room of ROOMS) sources(root, room, files);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const deps = [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)]
      .map((m) => path.normalize(path.join(path.dirname(file), m[1]!)))
      .filter((d) => known.has(d));
    graph.set(file, deps);
  }
  return graph;
}

/** Each circle: the files that import one another round (Tarjan's algorithm). */
export function importCircles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const circle: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        circle.push(w);
      } while (w !== v);
      if (circle.length > 1) circles.push(circle.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}
