import { useId, type ReactElement, type ReactNode } from 'react';
import { cloneElement } from 'react';
import { ApiError, errorMessage } from '../api/client';

/** The server's coded error when it names this field (or a part of it: `body.look` covers `body.look.primaryColor`). */
export function errorFor(error: unknown, field: string): ApiError | null {
  return error instanceof ApiError && error.field && (error.field === field || error.field.startsWith(`${field}.`)) ? error : null;
}

/**
 * A labelled form control with the server's coded error shown right under it, linked to the
 * control (aria-invalid, aria-describedby) so a screen reader reads it with the field.
 */
export function Field({ label, field, error, hint, children }: { label: string; field: string; error: unknown; hint?: ReactNode; children: ReactElement<Record<string, unknown>> }) {
  const id = useId();
  const err = errorFor(error, field);
  const control = cloneElement(children, { id, 'aria-invalid': err ? true : undefined, 'aria-describedby': err ? `${id}-error` : hint ? `${id}-hint` : undefined });
  return (
    <div className={`field ${err ? 'field-bad' : ''}`} data-field={field}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && !err ? <span className="muted small" id={`${id}-hint`}>{hint}</span> : null}
      {err ? <p className="field-error" id={`${id}-error`} role="alert"><code>{err.code}</code> {err.message}</p> : null}
    </div>
  );
}

/** The error of a form that no field of it claims (a conflict without a field, the network). */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error || fields.some((f) => errorFor(error, f))) return null;
  return <p className="form-error" role="alert">{error instanceof ApiError ? <><code>{error.code}</code> </> : null}{errorMessage(error)}</p>;
}
