import { useEffect } from 'react';

// A distinct document title per page helps screen-reader users and browser history.
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · TagTrust` : 'TagTrust';
  }, [title]);
}
