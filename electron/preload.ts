// Sandboxed preload: exposes exactly one object, `window.eyenet`, and nothing of Node or Electron.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiInput, ApiOutput, Channel, Envelope, EyenetApi } from '../contract/index.ts';
import { IPC_INVOKE } from './ipc-channel.ts';

const eyenet = {
  invoke: <C extends Channel>(channel: C, input: ApiInput<C>) =>
    ipcRenderer.invoke(IPC_INVOKE, channel, input) as Promise<Envelope<ApiOutput<C>>>,
} satisfies EyenetApi;

contextBridge.exposeInMainWorld('eyenet', eyenet);
