// Which addresses are this computer only: plain HTTP is allowed there and nowhere else.
import os from 'node:os';

export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  return a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a) || a === '::ffff:127.0.0.1';
}

/** How the audit log names the computer a call came from. */
export function workstationOf(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const address = remoteAddress.replace(/^::ffff:/, '');
  return isLoopback(address) ? 'this computer' : address;
}

/** Names this computer answers to on the network: its host name and non-internal addresses, and loopback. */
export function localNames(): string[] {
  const names = new Set<string>([os.hostname(), 'localhost', '127.0.0.1']);
  for (const list of Object.values(os.networkInterfaces()))
    for (const info of list ?? []) if (!info.internal) names.add(info.address);
  return [...names];
}
