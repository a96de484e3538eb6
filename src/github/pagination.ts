/** The `rel="next"` URL of a `Link` header, or undefined on the last page. */
export function nextPageUrl(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (match?.[1] && /\brel="?([^"]*\s)?next(\s[^"]*)?"?/.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}
