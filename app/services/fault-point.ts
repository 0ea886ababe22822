/**
 * A crash on purpose, for tests of what a power cut leaves: when EYENET_FAULT_AT names this point, the process
 * kills itself here with SIGKILL (no clean-up runs, as in a real crash). Never set in use.
 */
export function faultPoint(name: string): void {
  if (process.env.EYENET_FAULT_AT === name) process.kill(process.pid, 'SIGKILL');
}
