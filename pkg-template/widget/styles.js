// The widget's styles, adopted into its shadow root as a constructed stylesheet (allowed under a strict
// Content-Security-Policy, unlike a <style> element). Hosts theme it with the custom properties below and
// with ::part(base | heading | list | card | link | image | title | price | reason | dismiss | fallback).

export const css = `
:host {
  display: block;
  font: var(--nextoffer-font, inherit);
  color: var(--nextoffer-color, #1f2328);
  --_bg: var(--nextoffer-card-background, #ffffff);
  --_border: var(--nextoffer-border, 1px solid #d0d7de);
  --_radius: var(--nextoffer-radius, 8px);
  --_accent: var(--nextoffer-accent, #0b5cad);
  --_muted: var(--nextoffer-muted, #57606a);
  --_gap: var(--nextoffer-gap, 0.75rem);
}
:host([hidden]), :host([state="empty"]) { display: none; }
[part="heading"] { font-weight: 600; margin: 0 0 0.5rem; }
[part="list"] {
  list-style: none; margin: 0; padding: 0; display: grid; gap: var(--_gap);
  grid-template-columns: repeat(auto-fill, minmax(var(--nextoffer-card-width, 10rem), 1fr));
}
[part="card"] {
  position: relative; display: flex; flex-direction: column; gap: 0.25rem; padding: 0.75rem;
  background: var(--_bg); border: var(--_border); border-radius: var(--_radius);
}
[part="link"] {
  display: flex; flex-direction: column; gap: 0.25rem; color: inherit; text-decoration: none;
  font: inherit; text-align: start; background: none; border: 0; padding: 0; cursor: pointer;
}
[part="link"]:hover [part="title"] { text-decoration: underline; }
[part="image"] {
  width: 100%; height: auto; aspect-ratio: 1; object-fit: cover;
  border-radius: calc(var(--_radius) / 2); background: #f3f4f6;
}
[part="title"] { font-weight: 600; overflow-wrap: anywhere; }
[part="price"] { color: var(--_accent); font-weight: 600; }
[part="reason"] { color: var(--_muted); font-size: 0.875em; }
[part="dismiss"] {
  position: absolute; top: 0.25rem; inset-inline-end: 0.25rem; width: 1.75rem; height: 1.75rem;
  border: 0; border-radius: 50%; background: var(--_bg); color: var(--_muted); font: inherit; line-height: 1;
  cursor: pointer;
}
[part="dismiss"]:hover { color: var(--nextoffer-color, #1f2328); }
:focus-visible { outline: var(--nextoffer-focus-ring, 3px solid #0b5cad); outline-offset: 2px; }
[part="busy"] { min-height: 1px; }
@media (prefers-reduced-motion: no-preference) { [part="card"] { transition: box-shadow 0.15s; } }
`;
