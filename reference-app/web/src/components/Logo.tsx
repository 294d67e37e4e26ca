// Inline SVG (not an <img> or a font) so the mark needs nothing beyond the bundle under CSP.
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M16 2 4 7v8c0 7.3 5.1 13.3 12 15 6.9-1.7 12-7.7 12-15V7z" />
      <path fill="none" stroke="#0f5c6e" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" d="m10 16 4 4 8-8" />
    </svg>
  );
}
