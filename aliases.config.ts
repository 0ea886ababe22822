import path from 'node:path';

/**
 * The renderer's import aliases (also in tsconfig.json "paths"): `$contract/…` is the API contract and
 * `$domain/…` the shared vocabulary, the only project code the sandboxed page may import.
 */
export const rendererAliases = {
  $contract: path.resolve(import.meta.dirname, 'contract'),
  $domain: path.resolve(import.meta.dirname, 'domain'),
};
