import { useEffect, useRef, useState } from 'preact/hooks';

export interface Load<T> {
  readonly data: T | undefined;
  readonly loading: boolean;
  readonly error: unknown;
  /** The key the data or error answers (the view on screen; another while the next loads). */
  readonly key: string;
  /** Runs the load again now (after a change made on the page). */
  reload(): void;
}

/**
 * Runs `load` when `key` changes, and again every `refreshS` seconds while the tab is visible
 * (0: never; relative time ranges refresh, absolute ones do not). A newer run aborts the one in
 * flight; the last data stays on screen while the next loads.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>, refreshS = 0): Load<T> {
  const [state, setState] = useState<{ data: T | undefined; loading: boolean; error: unknown; key: string }>({
    data: undefined,
    loading: true,
    error: undefined,
    key,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(abort.signal).then(
      (data) => !abort.signal.aborted && setState({ data, loading: false, error: undefined, key }),
      (error: unknown) => !abort.signal.aborted && setState((s) => ({ ...s, loading: false, error, key })),
    );
    return () => abort.abort();
  }, [key, tick]);
  useEffect(() => {
    if (refreshS <= 0) return;
    const timer = setInterval(() => {
      if (!document.hidden) setTick((t) => t + 1);
    }, refreshS * 1000);
    return () => clearInterval(timer);
  }, [key, refreshS]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
