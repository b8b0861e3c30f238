import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Text PostgreSQL can store: its text and jsonb types refuse the NUL character, and an unpaired
 * UTF-16 surrogate has no UTF-8 encoding. Ajv compiles patterns with the `u` flag, so a
 * well-formed surrogate pair (an emoji) is one code point outside the refused range.
 */
export const STORABLE_TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

/** A string that reaches the database; anything it cannot store is a 400 naming the field. */
export const StorableText = (options: StringOptions = {}) => Type.String({ ...options, pattern: STORABLE_TEXT_PATTERN });
