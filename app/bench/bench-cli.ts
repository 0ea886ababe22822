// `npm run bench -- [model bench options] [--json FILE]`: the model's bench (model/cli/bench-cli.ts), the
// exchange bench (DICOM folder import, visit PDF), the PACS bench (grading workers on a local Orthanc), then the memory bench (peak RSS; Linux). Each runs in its own
// process, so one's memory never skews the other's timings. With --json FILE the model's figures go to FILE, the
// others' to FILE's name + .exchange.json, .pacs.json and .memory.json.
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../services/paths.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--json');
const json = at >= 0 ? args[at + 1] : undefined;

function run(script: string, scriptArgs: string[]): void {
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', script, ...scriptArgs], {
    cwd: projectRoot(),
    stdio: 'inherit',
  });
  if (status !== 0) process.exit(status ?? 1);
}

run('model/cli/bench-cli.ts', args);
run('app/bench/exchange-bench.ts', json ? ['--json', json.replace(/\.json$/, '') + '.exchange.json'] : []);
// Studies per minute by PACS grading workers (1, then 2) against a local Orthanc.
run('app/bench/pacs-bench.ts', json ? ['--json', json.replace(/\.json$/, '') + '.pacs.json'] : []);
// Peak memory of serve under 12 large uploads at once and a 1,000-photograph batch, and of the grade CLI.
if (process.platform === 'linux')
  run('app/bench/memory-bench.ts', json ? ['--json', json.replace(/\.json$/, '') + '.memory.json'] : []);
