// A QR code as inline SVG (uqr), so no image service ever sees an authenticator-app secret and the
// page's CSP needs no image source: the SVG uses presentation attributes only, no style.
import { raw } from 'hono/html';
import { renderSVG } from 'uqr';

/** The SVG of a QR code for `text`, labelled for screen readers. */
export function qrCodeSvg(text: string, label: string) {
  const escaped = label.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  const svg = renderSVG(text, { border: 2, pixelSize: 4 });
  return raw(svg.replace('<svg ', `<svg role="img" aria-label="${escaped}" width="200" height="200" `));
}
