import type { ComponentChildren } from 'preact';
import { clearCredentials } from './auth.js';
import { Link, useLocation } from './router.js';
import { routes } from './routes.js';

/** The navigation bar (one link per labelled route) and the page under it. */
export function Layout(props: { user: string; children: ComponentChildren }) {
  const { path } = useLocation();
  const active = (p: string) => (p === '/' ? path === '/' : path === p || path.startsWith(`${p}/`));
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">flowlens</span>
        <nav aria-label="Pages">
          {routes
            .filter((r) => r.label !== undefined)
            .map((r) => (
              <Link key={r.path} href={r.path} class={active(r.path) ? 'active' : undefined}>
                {r.label}
              </Link>
            ))}
        </nav>
        <span class="user">
          {props.user}
          <button type="button" class="link" onClick={() => clearCredentials()}>
            Log out
          </button>
        </span>
      </header>
      <main>{props.children}</main>
    </div>
  );
}
