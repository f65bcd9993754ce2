/**
 * The URL of the site's root folder (where index.html and config.json live). Each page declares
 * where the root is relative to itself in <meta name="livecounter:site-root">, so this works at a
 * host's root, under any sub-path, and in the Vite dev server alike.
 */
export function siteRootUrl(doc: Document = document): URL {
  const relative = doc.querySelector<HTMLMetaElement>('meta[name="livecounter:site-root"]')?.content || './';
  return new URL(relative, doc.baseURI);
}
