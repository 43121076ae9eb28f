/**
 * The control token arrives in the URL fragment (`#token=…`) so it never reaches server
 * logs or Referer headers. It is moved into sessionStorage, which outlives reloads of this
 * tab but not the tab, and wiped from the address bar so it is not shared by accident.
 */
export const TOKEN_STORAGE_KEY = 'addendum.token';

export interface TokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  history: Pick<History, 'replaceState' | 'state'> | null;
}

export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

export function takeToken(env: TokenEnv): string | null {
  const fromHash = tokenFromHash(env.location.hash);
  if (fromHash) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    env.history?.replaceState(env.history.state, '', env.location.pathname + env.location.search);
    return fromHash;
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function forgetToken(env: Pick<TokenEnv, 'storage'>): void {
  try {
    env.storage?.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}
