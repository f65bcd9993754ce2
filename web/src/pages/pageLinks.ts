/**
 * Links between the pages carry the counter name. Each link names its target folder relative to
 * the site root in data-page ("" for the home page, "counter/", "increment/").
 */
export function pointPageLinks(siteRoot: URL, name: string, root: ParentNode = document): void {
  for (const link of root.querySelectorAll<HTMLAnchorElement>('a[data-page]')) {
    link.href = pageUrl(siteRoot, link.dataset.page ?? '', name);
  }
}

export function pageUrl(siteRoot: URL, page: string, name: string): string {
  const url = new URL(page, siteRoot);
  url.search = new URLSearchParams({ name }).toString();
  return url.href;
}
