import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * The URL is the state of every view (shareable links): the path picks the page, the query string
 * holds the view's settings. Pages read it with useLocation() and change it with navigate() or
 * setSearch(); the back button works because each change is a history entry unless `replace`.
 */

export interface Location {
  readonly path: string;
  readonly search: URLSearchParams;
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => notify());

function notify(): void {
  for (const fn of listeners) fn();
}

function current(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

/** Go to `to` (a path with an optional ?query). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const here = window.location.pathname + window.location.search;
  if (to === here) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
}

/** Replace the query string of the current page. */
export function setSearch(search: URLSearchParams, options: { replace?: boolean } = {}): void {
  const query = search.toString();
  navigate(query === '' ? window.location.pathname : `${window.location.pathname}?${query}`, options);
}

export function href(path: string, search?: URLSearchParams): string {
  const query = search?.toString() ?? '';
  return query === '' ? path : `${path}?${query}`;
}

/** An <a> that navigates inside the app (a modified click still opens a new tab). */
export function Link(props: {
  href: string;
  children: ComponentChildren;
  class?: string | undefined;
  title?: string | undefined;
}) {
  const { href: to, children, ...rest } = props;
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={to} onClick={onClick}>
      {children}
    </a>
  );
}
