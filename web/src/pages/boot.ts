import {
  counterNameFromSearch,
  createCounterApi,
  createHubConnection,
  LiveCounter,
  loadConfig,
  loadVisitorId,
  siteRootUrl,
  type CounterApi,
  type LiveCounterOptions,
} from '../client';
import { allByRole, byRole, byTestId } from './elements';
import { pointPageLinks } from './pageLinks';

export interface CounterPage {
  readonly name: string;
  readonly api: CounterApi;
  readonly live: LiveCounter;
}

type Handlers = Pick<LiveCounterOptions, 'onCounter' | 'onState' | 'onYourTotal'>;

/**
 * Shared start of the counter and increment pages: the name from ?name=, config.json, the visitor
 * id, then the live connection. An invalid name shows why and connects nothing (null).
 */
export async function bootCounterPage(handlers: Handlers): Promise<CounterPage | null> {
  const siteRoot = siteRootUrl();
  const parsed = counterNameFromSearch(location.search);

  if (!parsed.ok) {
    const error = byTestId('name-error');
    error.textContent = parsed.message;
    error.hidden = false;
    for (const section of allByRole('needs-name')) section.hidden = true;
    byRole('status').hidden = true;
    pointPageLinks(siteRoot, 'default');
    return null;
  }

  const { name } = parsed;
  document.title = `${name} · ${document.title}`;
  for (const element of allByRole('name')) element.textContent = name;
  pointPageLinks(siteRoot, name);

  const { apiBase } = await loadConfig(siteRoot);
  const visitorId = loadVisitorId();
  const api = createCounterApi({ apiBase, visitorId });
  const live = new LiveCounter({ name, api, hub: createHubConnection(apiBase, visitorId), ...handlers });
  live.start();
  return { name, api, live };
}
