/**
 * Seeded text that would turn into markup, script or SQL if a page or a query treated data as
 * code. The regression profile writes it into one asset and one revoked tag (Shape in
 * generate.ts); the suites assert every page that shows them renders it as inert text. Every
 * element a payload could create carries INJECTED_MARKER, so an injected element is found by it.
 * No tab, newline or backslash: COPY's text format would need them escaped.
 */
export const INJECTED_MARKER = 'data-tg-injected';

export const HOSTILE = {
  name: `<img src=x onerror=alert(1) ${INJECTED_MARKER}>`,
  manufacturer: `<script ${INJECTED_MARKER}>alert(2)</script>`,
  location: `"><svg onload=alert(3) ${INJECTED_MARKER}>`,
  lot: `' OR '1'='1`,
  reason: `<iframe srcdoc="<script>parent.alert(4)</script>" ${INJECTED_MARKER}></iframe>'; DROP TABLE tags;--`,
} as const;

/** Profiles whose data carries the hostile text. */
export const hasHostileData = (profile: string) => profile === 'regression';
