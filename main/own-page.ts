/**
 * "Our own page" is the one file the window loads: the built dashboard's index.html.
 * Both the navigation policy and the IPC sender check rest on this one comparison, so a
 * page that somehow lands elsewhere (another file, a remote site) gets neither the
 * window nor the bridge.
 */

/** True when `candidate` is the file:// URL of `ownPage`, whatever its hash or query. */
export function isOwnPage(candidate: string, ownPage: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(candidate);
    b = new URL(ownPage);
  } catch {
    return false;
  }
  return a.protocol === 'file:' && b.protocol === 'file:' && a.host === b.host && a.pathname === b.pathname;
}
