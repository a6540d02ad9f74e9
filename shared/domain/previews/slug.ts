/**
 * The slug of a preview: a DNS label (RFC 1035: lower-case letters, digits and `-`, starting with a
 * letter, not ending in `-`, at most 63 characters including the prefix). The same branch always
 * gives the same slug. A name kept as it is (`feature-login`) is its own slug; a name that had to be
 * changed (upper case, `/`, `:`, `..`, unicode, a leading digit) or cut to fit gets a short hash of
 * the original name, so two names that read alike after cleaning (`a:b`, `a/b`) never share a slug.
 */
export const MAX_SLUG_LENGTH = 63;
const HASH_LENGTH = 8;

/** FNV-1a (32 bits) of the UTF-8 bytes, as 8 hex digits: short, stable, pure. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(HASH_LENGTH, '0');
}

export function previewSlug(name: string, prefix = ''): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = MAX_SLUG_LENGTH - prefix.length;
  const startsWell = /^[a-z]/.test(prefix === '' ? cleaned : prefix);
  if (cleaned === name && startsWell && cleaned.length <= room && cleaned !== '')
    return `${prefix}${cleaned}`;
  const lead = startsWell ? '' : 'b-';
  const keep = room - lead.length - HASH_LENGTH - 1;
  const body = cleaned.slice(0, Math.max(keep, 0)).replace(/-+$/, '');
  return `${prefix}${lead}${body === '' ? '' : `${body}-`}${shortHash(name)}`;
}
