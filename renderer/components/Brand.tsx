/** The app's name with its mark, shared by the header and the token gate. */
export function Brand() {
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        +
      </span>
      Addendum
    </div>
  );
}
