import type { SafeImage } from './items';

// Images reach the page only as `data:` URLs of an allowlisted raster type with a strictly base64
// payload: no SVG (it can carry script), no remote URLs (the CSP blocks them anyway, and they would
// leak the viewer's address to whoever wrote the transcript). The model keeps the payload as found
// and checks it only when the image is drawn: pasted screenshots run to megabytes, and a session
// holds hundreds that are never scrolled to.
const ALLOWED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function safeImage(source: unknown): SafeImage | null {
  if (typeof source !== 'object' || source === null) return null;
  const { type, media_type: mediaType, data } = source as Record<string, unknown>;
  if (type !== 'base64' || typeof mediaType !== 'string' || typeof data !== 'string') return null;
  const media = mediaType.toLowerCase();
  return ALLOWED.has(media) && data.length > 0 && data.length % 4 === 0 ? { mediaType: media, data } : null;
}

/** The image's `data:` URL, or null when the payload is not plain base64. */
export function imageSrc(image: SafeImage): string | null {
  return ALLOWED.has(image.mediaType) && BASE64.test(image.data) ? `data:${image.mediaType};base64,${image.data}` : null;
}
