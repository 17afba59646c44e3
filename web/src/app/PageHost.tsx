import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { findRoute } from '../../../src/portal/url-match.js';
import { Empty } from '../components/Empty.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { Loading } from '../components/Loading.js';
import { Link, useLocation } from './router.js';
import { type PageProps, type PageRoute, routes } from './routes.js';

const loaded = new Map<PageRoute, ComponentType<PageProps>>();

/** The page of the current path, its module loaded on first visit. */
export function PageHost() {
  const { path } = useLocation();
  const match = findRoute(routes, path);
  const [, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  const route = match?.route;
  useEffect(() => {
    if (route === undefined || loaded.has(route)) return;
    let live = true;
    setError(undefined);
    route.load().then(
      (module) => {
        loaded.set(route, module.default);
        if (live) setVersion((v) => v + 1);
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [route]);
  if (match === undefined)
    return (
      <Empty title="No such page">
        <Link href="/">Back to the Explorer</Link>
      </Empty>
    );
  const Page = loaded.get(match.route);
  if (Page !== undefined) return <Page params={match.params} />;
  if (error !== undefined) return <ErrorBox error={error} />;
  return <Loading />;
}
