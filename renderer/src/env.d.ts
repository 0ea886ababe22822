/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { EyenetApi } from '$contract/index.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser, where the HTTP transport stands in. */
    eyenet?: EyenetApi;
  }
}
