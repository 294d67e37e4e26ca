// List state (page, search, filters) lives in the URL so reloads, links and Back keep it.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

export interface ListParams {
  page: number;
  get: (key: string) => string;
  // Changing anything but the page starts again at page 1.
  update: (changes: Record<string, string | number>) => void;
}

export function useListParams(): ListParams {
  const [params, setParams] = useSearchParams();
  const rawPage = Number(params.get('page') ?? '1');
  const page = Number.isInteger(rawPage) && rawPage >= 1 ? rawPage : 1;

  const update = useCallback(
    (changes: Record<string, string | number>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (!('page' in changes)) next.delete('page');
          for (const [key, value] of Object.entries(changes)) {
            const text = String(value);
            if (text === '' || (key === 'page' && text === '1')) next.delete(key);
            else next.set(key, text);
          }
          return next;
        },
        // Search keystrokes should not flood the history; page moves should be navigable.
        { replace: !('page' in changes) },
      );
    },
    [setParams],
  );

  return { page, get: (key) => params.get(key) ?? '', update };
}
