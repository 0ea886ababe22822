// `npm run grade`: photographs and DICOM files named on the command line (model/cli/grade-cli.ts), or, with
// --pacs, a headless grading worker on a PACS (app/pacs/grade-worker-cli.ts).
import { gradeFilesCli } from '../model/index.ts';
import { gradeWorkerCli } from './pacs/grade-worker-cli.ts';

const args = process.argv.slice(2);
process.exitCode = args.some((a) => a === '--pacs' || a.startsWith('--pacs='))
  ? await gradeWorkerCli(args)
  : await gradeFilesCli(args);
