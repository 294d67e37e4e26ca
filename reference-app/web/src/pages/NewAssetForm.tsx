import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../hooks/useAction';
import { api } from '../api/tagtrust';
import type { Asset, NewAsset } from '../api/types';

type FieldName = 'name' | 'sku' | 'manufacturer' | 'lot' | 'location' | 'manufactured_on';

const FIELDS: { name: FieldName; label: string; type?: string; required?: boolean; maxLength: number }[] = [
  { name: 'name', label: 'Name', required: true, maxLength: 200 },
  { name: 'sku', label: 'SKU', required: true, maxLength: 64 },
  { name: 'manufacturer', label: 'Manufacturer', required: true, maxLength: 200 },
  { name: 'lot', label: 'Lot', maxLength: 64 },
  { name: 'location', label: 'Location', maxLength: 200 },
  { name: 'manufactured_on', label: 'Manufactured on', type: 'date', maxLength: 10 },
];

const EMPTY: Record<FieldName, string> = { name: '', sku: '', manufacturer: '', lot: '', location: '', manufactured_on: '' };

function toPayload(values: Record<FieldName, string>): NewAsset & { manufactured_on?: string } {
  const payload: NewAsset & { manufactured_on?: string } = {
    name: values.name.trim(),
    sku: values.sku.trim(),
    manufacturer: values.manufacturer.trim(),
  };
  // Optional fields are left out rather than sent empty.
  if (values.lot.trim()) payload.lot = values.lot.trim();
  if (values.location.trim()) payload.location = values.location.trim();
  if (values.manufactured_on) payload.manufactured_on = values.manufactured_on;
  return payload;
}

export function NewAssetForm({ onCreated }: { onCreated: (asset: Asset) => void }) {
  const baseId = useId();
  const [values, setValues] = useState(EMPTY);
  const { busy, error, fields: fieldErrors, run } = useAction('Could not create the asset.');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const asset = await api.createAsset(toPayload(values));
      setValues(EMPTY);
      onCreated(asset);
    });
  };

  return (
    // noValidate: the API owns validation; its messages show per field and in the alert.
    <form className="card section form" aria-labelledby={`${baseId}-heading`} onSubmit={submit} noValidate>
      <h2 id={`${baseId}-heading`}>New asset</h2>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {FIELDS.map((field) => {
        const id = `${baseId}-${field.name}`;
        const fieldError = fieldErrors[field.name];
        return (
          <div className="field" key={field.name}>
            {/* "Optional" stays outside the label so the accessible name is exactly the field name. */}
            <div className="label-row">
              <label htmlFor={id}>{field.label}</label>
              {!field.required && <span className="optional">Optional</span>}
            </div>
            <input
              id={id}
              type={field.type ?? 'text'}
              maxLength={field.maxLength}
              max={field.type === 'date' ? new Date().toISOString().slice(0, 10) : undefined}
              required={field.required}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? `${id}-error` : undefined}
              value={values[field.name]}
              onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
            />
            {fieldError && (
              <span className="field-error" id={`${id}-error`}>
                {fieldError}
              </span>
            )}
          </div>
        );
      })}
      <button type="submit" className="button button-primary" disabled={busy}>
        Create asset
      </button>
    </form>
  );
}
