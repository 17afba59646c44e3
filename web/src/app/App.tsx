import { useEffect, useState } from 'preact/hooks';
import { credentials, onAuthChange } from './auth.js';
import { Layout } from './Layout.js';
import { Login } from './Login.js';
import { PageHost } from './PageHost.js';

/** The login form until the tab has credentials, then the page the URL names. */
export function App() {
  const [user, setUser] = useState(() => credentials()?.user);
  const [reason, setReason] = useState<string | undefined>(undefined);
  useEffect(
    () =>
      onAuthChange((why) => {
        setUser(credentials()?.user);
        setReason(why);
      }),
    [],
  );
  if (user === undefined) return <Login reason={reason} />;
  return (
    <Layout user={user}>
      <PageHost />
    </Layout>
  );
}
