import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useDebouncedValue } from '../hooks/useDebouncedValue';

interface SearchFormProps {
  // Landmark name; must not contain the searchbox label, or getByLabel(label) matches twice.
  name: string;
  label: string;
  placeholder?: string;
  value: string;
  onSearch: (q: string) => void;
  children?: ReactNode;
}

// Searches ~250 ms after typing stops, or at once on Enter.
export function SearchForm({ name, label, placeholder, value, onSearch, children }: SearchFormProps) {
  const id = useId();
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text.trim(), 250);
  // Latest props without re-running the debounce effect when the parent re-renders.
  const latest = useRef({ value, onSearch });
  useEffect(() => {
    latest.current = { value, onSearch };
  });

  useEffect(() => {
    if (debounced !== latest.current.value) latest.current.onSearch(debounced);
  }, [debounced]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() !== value) onSearch(text.trim());
  };

  return (
    <form className="toolbar" role="search" aria-label={name} onSubmit={submit}>
      <div className="field field-grow">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
      </div>
      {children}
    </form>
  );
}
