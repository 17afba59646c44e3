import { ApiError } from '../app/api.js';
import { SqlCaret } from './SqlCaret.js';

/**
 * An error as the API words it: its code (an SQLSTATE for queries), message, detail and hint; with
 * `sql`, the statement is shown with the error's position underlined.
 */
export function ErrorBox(props: { error: unknown; sql?: string | undefined }) {
  const { error } = props;
  if (!(error instanceof ApiError))
    return (
      <div class="error" role="alert">
        <span class="error-message">{error instanceof Error ? error.message : String(error)}</span>
      </div>
    );
  return (
    <div class="error" role="alert" data-code={error.code}>
      <span class="error-code">{error.code}</span> <span class="error-message">{error.message}</span>
      {error.detail !== undefined && <div class="error-detail">DETAIL: {error.detail}</div>}
      {error.hint !== undefined && <div class="error-hint">HINT: {error.hint}</div>}
      {props.sql !== undefined && error.position !== undefined && (
        <SqlCaret sql={props.sql} position={error.position} />
      )}
    </div>
  );
}
