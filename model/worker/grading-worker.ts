// Worker-thread entry: owns one engine (an ONNX Runtime session, or a tfjs backend) and one model, grades photographs posted to it.
// Heavy work lives here so the thread that serves the UI never blocks on decoding or inference.
import { parentPort, workerData } from 'node:worker_threads';
import { createGrader } from '../inference/grader.ts';
import type { WorkerFailure, WorkerInit, WorkerMessage, WorkerRequest } from './messages.ts';

function toFailure(error: unknown): WorkerFailure {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : null, message: error.message };
  }
  return { name: 'Error', code: null, message: String(error) };
}

const port = parentPort;
if (!port) throw new Error('grading-worker must run as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);

const { modelDir, engine } = workerData as WorkerInit;
try {
  const grader = await createGrader(modelDir, { engine });
  port.on('message', (request: WorkerRequest) => {
    grader.grade(request.bytes).then(
      (value) => post({ type: 'result', id: request.id, ok: true, value }),
      (error: unknown) => post({ type: 'result', id: request.id, ok: false, error: toFailure(error) }),
    );
  });
  post({
    type: 'ready',
    model: grader.model,
    backend: grader.backend,
    engineNote: grader.engineNote,
    referableThreshold: grader.referableThreshold,
  });
} catch (error) {
  post({ type: 'init-error', error: toFailure(error) });
}
