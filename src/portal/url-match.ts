/**
 * Route patterns of the portal: `/devices/:id` matches one non-empty path segment per `:name`
 * (its value percent-decoded); every other segment must be equal. No framework: a page is found
 * by trying the patterns in order.
 */

export type RouteParams = Readonly<Record<string, string>>;

export function matchPath(pattern: string, path: string): RouteParams | undefined {
  const want = segments(pattern);
  const got = segments(path);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/** The first pattern that matches, with its params. */
export function findRoute<R extends { readonly path: string }>(
  routes: readonly R[],
  path: string,
): { route: R; params: RouteParams } | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params !== undefined) return { route, params };
  }
  return undefined;
}

/** A path from a pattern and its params, each percent-encoded. */
export function pathOf(pattern: string, params: RouteParams): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

function segments(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}
