/** The single Electron IPC channel; the API channel (`area:action`) travels as its first argument. */
export const IPC_INVOKE = 'eyenet:invoke';
