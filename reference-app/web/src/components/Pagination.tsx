interface PaginationProps {
  page: number;
  pages: number;
  total: number;
  // Singular and plural, e.g. ['entry', 'entries'].
  nouns: readonly [string, string];
  onPage: (page: number) => void;
  disabled?: boolean;
}

// Mirrors the API envelope: when total is 0 the API answers pages = 0, and we show
// "Page 0 of 0" (not "No results") so the text always has the `Page X of Y` shape tests
// parse; the empty table says "No … found" separately.
export function Pagination({ page, pages, total, nouns, onPage, disabled = false }: PaginationProps) {
  const current = pages === 0 ? 0 : page;
  return (
    <nav className="pagination" aria-label="Pagination">
      <button type="button" className="button button-secondary" disabled={disabled || page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span className="pagination-text">
        <span data-testid="pagination-status">{`Page ${current} of ${pages}`}</span>
        <span className="muted">
          {' · '}
          {total} {total === 1 ? nouns[0] : nouns[1]}
        </span>
      </span>
      <button type="button" className="button button-secondary" disabled={disabled || page >= pages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}
