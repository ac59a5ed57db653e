/**
 * Builds `attachment; filename="..."; filename*=UTF-8''...` (RFC 6266 with
 * RFC 5987 encoding). Old clients read the ASCII fallback, where accents are
 * stripped and other unsafe characters become "_"; current ones read the
 * exact UTF-8 name.
 */
export function attachmentContentDisposition(fileName: string): string {
  return `attachment; filename="${asciiFallback(fileName)}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

function asciiFallback(fileName: string): string {
  const withoutAccents = fileName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const ascii = withoutAccents.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return ascii.length > 0 ? ascii : 'backup.zip';
}

/** Percent-encodes everything outside RFC 5987 `attr-char`; encodeURIComponent leaves `'()*` alone. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
