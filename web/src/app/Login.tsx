import { useState } from 'preact/hooks';
import { ErrorBox } from '../components/ErrorBox.js';
import { request } from './api.js';
import { basicHeader, saveCredentials } from './auth.js';

/** User and password, checked with a constant query before they are kept for the tab. */
export function Login(props: { reason?: string | undefined }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const header = basicHeader(user, password);
    try {
      await request('POST', '/api/v1/query', { sql: 'SELECT 1' }, {}, header);
      saveCredentials({ user, header });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div class="login">
      <form onSubmit={submit} aria-label="Log in">
        <h1>flowlens</h1>
        {props.reason !== undefined && error === undefined && <p class="notice">{props.reason}</p>}
        <label>
          User
          <input
            name="user"
            autocomplete="username"
            value={user}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy || user === ''}>
          Log in
        </button>
        {error !== undefined && <ErrorBox error={error} />}
      </form>
    </div>
  );
}
