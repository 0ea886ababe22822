// The local fine-tune's worker thread: it trains away from the main process, so the app stays usable and
// grading (its own worker) keeps working. Messages out: progress, then done or failed. Message in: cancel, which
// stops it between two photographs — never terminated mid-way through ONNX Runtime's native code, which can take
// the whole process down.
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { fineTuneLocal, type LocalFineTuneOptions } from '../../training/local/fine-tune-local.ts';

export interface FineTuneWorkerInput {
  photographs: { key: string; patient: string; grade: number; maculopathy?: boolean | null; file: string }[];
  options: Omit<LocalFineTuneOptions, 'onProgress' | 'signal'>;
}

const input = workerData as FineTuneWorkerInput;
const controller = new AbortController();
parentPort?.on('message', (m: { type?: string }) => {
  if (m.type === 'cancel') controller.abort();
});
try {
  const result = await fineTuneLocal(
    input.photographs.map((p) => ({ ...p, read: async () => new Uint8Array(await readFile(p.file)) })),
    {
      ...input.options,
      signal: controller.signal,
      onProgress: (stage, done, total) => parentPort?.postMessage({ type: 'progress', stage, done, total }),
    },
  );
  parentPort?.postMessage({ type: 'done', result });
} catch (error) {
  parentPort?.postMessage({
    type: 'failed',
    message: error instanceof Error ? error.message : String(error),
  });
} finally {
  // The listener above would keep the thread alive: close the port so it ends once its messages are sent.
  parentPort?.close();
}
