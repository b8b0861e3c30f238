/** PostgreSQL's SQLSTATE for a row a unique index refused. */
const UNIQUE_VIOLATION = '23505';

/** Whether a database error is a unique index refusing a row (someone else inserted it first). */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: string }).code === UNIQUE_VIOLATION;
