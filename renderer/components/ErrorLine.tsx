// An AppError as the one line users read (file, key, offset, message), with its code for search.

import { describeError, type AppError } from '../../shared/errors';
import { Icon } from './Icon';

export function ErrorLine({ error, className }: { error: AppError; className?: string }) {
  return (
    <div className={`error-line ${className ?? ''}`} role="alert">
      <Icon name="warning" />
      <span className="error-text">{describeError(error)}</span>
      <span className="error-code mono">{error.code}</span>
    </div>
  );
}
