import { actAs, get, takeTokenFromAddress, type ApiError } from './api';
import { h, show } from './dom';
import type { Page, PageContext, Session } from './page';
import { failuresPage } from './pages/failures-page';
import { jobPage } from './pages/job-page';
import { jobsPage } from './pages/jobs-page';
import { overviewPage } from './pages/overview-page';
import { submitPage } from './pages/submit-page';

const PAGES: { path: string; label: string; page: Page }[] = [
  { path: 'jobs', label: 'Jobs', page: jobsPage },
  { path: 'submit', label: 'Submit', page: submitPage },
  { path: 'failures', label: 'Failures', page: failuresPage },
  { path: 'overview', label: 'Overview', page: overviewPage },
];
const IDENTITY_KEY = 'async-jobs-console-identity';

/** The console: a hash-routed page per view (`#/jobs`, `#/jobs/<id>`, `#/submit`, `#/failures`, `#/overview`). */
async function start(): Promise<void> {
  takeTokenFromAddress();
  const main = document.getElementById('main') as HTMLElement;
  const status = document.getElementById('status') as HTMLElement;
  const alerts = document.getElementById('alerts') as HTMLElement;
  let session: Session;
  try {
    session = await get<Session>('session');
  } catch (error) {
    show(main, h('h1', null, 'The console cannot start'), h('p', { role: 'alert' }, (error as ApiError).message));
    // Pasting the printed address (#token=…) into this tab changes only the hash: start again with it.
    window.addEventListener('hashchange', () => location.reload(), { once: true });
    return;
  }
  const saved = localStorage.getItem(IDENTITY_KEY);
  let identity = session.identities.find((i) => i.name === saved) ?? session.identities[0];
  actAs(identity.name);

  let clearStatus: ReturnType<typeof setTimeout> | undefined;
  // What an action did goes to the polite region, what went wrong to the assertive one; the same words again (a
  // refresh that keeps failing) are not said again.
  const announce = (message: string, tone: 'info' | 'error' = 'info') => {
    const [region, other] = tone === 'error' ? [alerts, status] : [status, alerts];
    if (region.textContent === message) return;
    other.textContent = '';
    region.textContent = message;
    if (clearStatus) clearTimeout(clearStatus);
    clearStatus = setTimeout(() => (region.textContent = ''), 10_000);
  };
  const navigate = (hash: string) => {
    if (location.hash === hash) route();
    else location.hash = hash;
  };

  const nav = h(
    'nav',
    { 'aria-label': 'Console' },
    h(
      'ul',
      null,
      PAGES.map((p) => h('li', null, h('a', { href: `#/${p.path}`, 'data-page': p.path }, p.label))),
    ),
  );
  const who = h('div', { class: 'identity' });
  if (session.identities.length > 1) {
    const select = h(
      'select',
      {
        id: 'identity',
        onchange: (e: Event) => {
          identity = session.identities.find((i) => i.name === (e.target as HTMLSelectElement).value) ?? identity;
          localStorage.setItem(IDENTITY_KEY, identity.name);
          actAs(identity.name);
          announce(`Acting as ${identity.name}`);
          route();
        },
      },
      session.identities.map((i) =>
        h('option', { value: i.name, selected: i.name === identity.name }, `${i.name} (${i.operator ? 'operator' : 'caller'})`),
      ),
    );
    show(who, h('label', { for: 'identity' }, 'Act as'), select);
  } else show(who, h('span', { title: identity.principal }, identity.principal));
  const header = document.getElementById('top') as HTMLElement;
  show(header, h('a', { class: 'brand', href: '#/jobs' }, 'async-jobs', h('span', { class: 'env' }, session.environment)), nav, who);

  let current: AbortController | undefined;
  let shownPath: string | undefined;
  function route(): void {
    const initial = current === undefined;
    // A filter's change redraws its page: the control that changed it keeps the focus.
    const focusedId = document.activeElement && document.activeElement !== document.body ? document.activeElement.id : '';
    current?.abort();
    const [path = '', queryString = ''] = location.hash.replace(/^#\/?/, '').split('?');
    const [first, id] = path.split('/');
    const entry = PAGES.find((p) => p.path === first);
    if (!entry) {
      location.replace('#/jobs');
      return;
    }
    for (const link of nav.querySelectorAll('a')) {
      if (link.dataset['page'] === entry.path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const label = id ? `Job ${decodeURIComponent(id)}` : entry.label;
    document.title = `${label} · async-jobs console (${session.environment})`;
    current = new AbortController();
    const ctx: PageContext = { session, identity, main, announce, navigate, signal: current.signal };
    (id ? jobPage : entry.page)(ctx, { ...(id ? { id: decodeURIComponent(id) } : {}), query: new URLSearchParams(queryString) });
    // A new page is where keyboard and screen-reader users are taken, as a page load would (not a filter's change).
    if (!initial && path !== shownPath) main.focus();
    else if (focusedId) document.getElementById(focusedId)?.focus();
    shownPath = path;
  }
  window.addEventListener('hashchange', route);
  route();
}

// The skip link moves focus without touching the hash, which is the router's.
document.getElementById('skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main')?.focus();
});
void start();
