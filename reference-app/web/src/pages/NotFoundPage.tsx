import { Link } from 'react-router-dom';
import { useTitle } from '../hooks/useTitle';

export function NotFoundPage() {
  useTitle('Page not found');
  return (
    <div className="card section">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </div>
  );
}
