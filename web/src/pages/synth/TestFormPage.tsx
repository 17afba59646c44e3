import { useState } from 'preact/hooks';
import {
  commonFields,
  FormError,
  type FormField,
  type FormValues,
  formToInput,
  testToForm,
  typeFields,
} from '../../../../src/portal/synth-form.js';
import { type SynthType, synthTypes } from '../../../../src/portal/synth-sql.js';
import type { TestView } from '../../../../src/portal/synth-status.js';
import { get, post, put } from '../../app/api.js';
import { Link, navigate } from '../../app/router.js';
import type { PageProps } from '../../app/routes.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Field, Select } from '../../components/Field.js';
import { Loading } from '../../components/Loading.js';
import { useLoad } from '../shared/useLoad.js';
import '../shared/pages.css';

/** Create a synthetic test (/synth/new) or edit one (/synth/tests/:id/edit). */
export default function TestFormPage(props: PageProps) {
  const id = props.params.id;
  const existing = useLoad(id ?? '', (signal) =>
    id === undefined
      ? Promise.resolve(undefined)
      : get<{ test: TestView }>(`/api/v1/synth/tests/${encodeURIComponent(id)}`, { signal }).then(
          (x) => x.test,
        ),
  );
  if (id !== undefined && existing.error !== undefined) return <ErrorBox error={existing.error} />;
  if (id !== undefined && existing.data === undefined) return <Loading label="Loading the test…" />;
  return <TestForm key={id ?? 'new'} test={existing.data} />;
}

function TestForm(props: { test: TestView | undefined }) {
  const initial = props.test === undefined ? undefined : testToForm(props.test);
  const [type, setType] = useState<SynthType>(initial?.type ?? 'ping');
  const [values, setValues] = useState<Record<string, string>>(initial?.values ?? {});
  const [problem, setProblem] = useState<FormError | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const set = (key: string, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(undefined);
    setError(undefined);
    let body: Record<string, unknown>;
    try {
      body = formToInput(type, values, initial?.kept);
    } catch (err) {
      if (err instanceof FormError) return setProblem(err);
      throw err;
    }
    setSaving(true);
    try {
      const saved =
        props.test === undefined
          ? await post<{ test: TestView }>('/api/v1/synth/tests', body)
          : await put<{ test: TestView }>(`/api/v1/synth/tests/${encodeURIComponent(props.test.id)}`, body);
      navigate(`/synth/tests/${encodeURIComponent(saved.test.id)}`);
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };
  return (
    <form class="panel" aria-label="Test definition" onSubmit={submit}>
      <div class="page-head">
        <h1>{props.test === undefined ? 'New synthetic test' : `Edit test ${props.test.id}`}</h1>
        <Link
          href={props.test === undefined ? '/synth' : `/synth/tests/${encodeURIComponent(props.test.id)}`}
        >
          Cancel
        </Link>
      </div>
      <div class="test-form">
        <Field label="Type">
          <Select
            name="type"
            value={type}
            options={synthTypes.map((t) => ({ value: t, label: t }))}
            onChange={(t) => setType(t as SynthType)}
          />
        </Field>
        {[...typeFields[type], ...commonFields].map((f) => (
          <Input key={`${type} ${f.key}`} field={f} values={values} onChange={set} problem={problem} />
        ))}
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      <p>
        <button type="submit" class="primary" disabled={saving}>
          {props.test === undefined ? 'Create test' : 'Save test'}
        </button>
      </p>
    </form>
  );
}

function Input(props: {
  field: FormField;
  values: FormValues;
  onChange: (key: string, value: string) => void;
  problem: FormError | undefined;
}) {
  const { field } = props;
  const value = props.values[field.key] ?? '';
  const change = (e: Event) => props.onChange(field.key, (e.currentTarget as HTMLInputElement).value);
  const control =
    field.kind === 'select' ? (
      <Select
        name={field.key}
        value={value === '' ? (field.options?.[0] ?? '') : value}
        options={(field.options ?? []).map((o) => ({ value: o, label: o === '' ? 'any' : o }))}
        onChange={(v) => props.onChange(field.key, v)}
      />
    ) : field.kind === 'bool' ? (
      <input
        type="checkbox"
        name={field.key}
        checked={value === 'true'}
        onChange={(e) => props.onChange(field.key, e.currentTarget.checked ? 'true' : '')}
      />
    ) : field.kind === 'lines' ? (
      <textarea name={field.key} value={value} onInput={change} />
    ) : (
      <input
        name={field.key}
        value={value}
        placeholder={field.placeholder}
        inputMode={field.kind === 'int' ? 'numeric' : undefined}
        onInput={change}
      />
    );
  return (
    <div class={field.kind === 'lines' ? 'wide' : undefined}>
      <Field label={field.label}>{control}</Field>
      {props.problem?.field === field.key && <div class="form-error">{props.problem.message}</div>}
    </div>
  );
}
