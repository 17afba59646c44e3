import { useState } from 'preact/hooks';
import { del } from '../../app/api.js';
import { ErrorBox } from '../../components/ErrorBox.js';

/** Delete a test, after a second click to confirm; its results stay until retention. */
export function DeleteTest(props: { id: string; name: string; onDeleted: () => void }) {
  const [armed, setArmed] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const remove = async () => {
    try {
      await del(`/api/v1/synth/tests/${encodeURIComponent(props.id)}`);
      props.onDeleted();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <span class="delete-test">
      {armed ? (
        <>
          <button type="button" class="danger" onClick={remove}>
            Delete {props.name}?
          </button>{' '}
          <button type="button" onClick={() => setArmed(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" class="danger" onClick={() => setArmed(true)}>
          Delete
        </button>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </span>
  );
}
