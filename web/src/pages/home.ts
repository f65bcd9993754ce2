import { DEFAULT_COUNTER_NAME, counterNameFromSearch, parseCounterName } from '../client/counterName';
import { siteRootUrl } from '../client/siteRoot';
import { byTestId } from './elements';
import { pointPageLinks } from './pageLinks';

// The home page links to both pages for the name typed here; it opens no connection.
const siteRoot = siteRootUrl();
const input = byTestId<HTMLInputElement>('name-input');
const error = byTestId('name-error');
const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('a[data-page]:not(.brand)'));

const fromUrl = counterNameFromSearch(location.search);
input.value = fromUrl.ok ? fromUrl.name : (new URLSearchParams(location.search).get('name') ?? DEFAULT_COUNTER_NAME);

function update(): void {
  const parsed = parseCounterName(input.value.trim());
  error.hidden = parsed.ok;
  error.textContent = parsed.ok ? '' : parsed.message;
  for (const link of links) link.toggleAttribute('aria-disabled', !parsed.ok);
  if (parsed.ok) pointPageLinks(siteRoot, parsed.name);
}

input.addEventListener('input', update);
update();
