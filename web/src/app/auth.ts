/**
 * The user's credentials for this browser tab only (sessionStorage): the Authorization header the
 * API accepts (Basic, docs/rest.md). A 401 from any call clears them, which shows the login form.
 */

const key = 'flowlens.auth';
type Listener = (reason: string | undefined) => void;
const listeners = new Set<Listener>();

export interface Credentials {
  readonly user: string;
  readonly header: string;
}

export function credentials(): Credentials | undefined {
  const raw = sessionStorage.getItem(key);
  if (raw === null) return undefined;
  try {
    const parsed = JSON.parse(raw) as Credentials;
    return typeof parsed.header === 'string' && typeof parsed.user === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Basic credentials for user:password (UTF-8, as the server decodes them). */
export function basicHeader(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

export function saveCredentials(creds: Credentials): void {
  sessionStorage.setItem(key, JSON.stringify(creds));
  for (const fn of listeners) fn(undefined);
}

/** Forget the credentials; `reason` is shown on the login form (e.g. the API's 401 message). */
export function clearCredentials(reason?: string): void {
  sessionStorage.removeItem(key);
  for (const fn of listeners) fn(reason);
}

export function onAuthChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
