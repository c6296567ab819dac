/**
 * Typed domain errors carry their HTTP status and a dictionary key, so one error handler can
 * render them in the user's language as a page or a fragment.
 */
export type Message = { key: string; params?: Record<string, unknown> }
export type FieldErrors = Record<string, Message>

export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly messageKey: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(messageKey)
  }
}

export class NotFound extends DomainError {
  constructor(key = 'errors.notFound') {
    super(404, key)
  }
}

export class Forbidden extends DomainError {
  constructor(key = 'errors.forbidden') {
    super(403, key)
  }
}

export class Conflict extends DomainError {
  constructor(key: string, params: Record<string, unknown> = {}) {
    super(409, key, params)
  }
}

/** Bad form input: the messages go next to their fields, the typed values are kept. */
export class InvalidInput extends DomainError {
  constructor(
    readonly fields: FieldErrors,
    readonly values: Record<string, unknown> = {},
  ) {
    super(422, 'errors.invalidInput')
  }
}
