/**
 * Hands one value to every listener. A listener that throws is reported and skipped: one
 * broken subscriber (a closed window, a test) must never starve the others or break the
 * caller, which is often in the middle of a stream. Pure: no Node imports.
 */
export function deliverEach<T>(
  listeners: Iterable<(value: T) => void>,
  value: T,
  onError: (err: unknown) => void = () => undefined,
): void {
  // A copy: a listener may unsubscribe itself, or another, while we go through them.
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (err) {
      onError(err);
    }
  }
}
