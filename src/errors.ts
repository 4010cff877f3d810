// Typed errors: each carries the HTTP status and a stable code that clients can match on.
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'validation_failed', message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in or send a valid API token.') {
    super(401, 'unauthorized', message);
  }
}
// An agent page opened while signed out: browsers are sent to the sign-in page, APIs get 401.
export class SignInRequired extends UnauthorizedError {
  constructor() {
    super('Sign in to continue.');
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do that.') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'Resource') {
    super(404, 'not_found', `${what} not found.`);
  }
}
// A channel door (webhook, API channel) that does not take this request: an unknown inbox id,
// an inbox of another channel and a wrong signature or verify token all get this one answer,
// so inbox ids cannot be probed. The real reason is logged for the operator.
export class InboxNotFoundError extends AppError {
  constructor() {
    super(404, 'not_found', 'No inbox here accepts this request: the inbox id is unknown, or the signature does not match its secret.');
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `The body is larger than the limit of ${limit} bytes.`);
  }
}
export class RateLimitedError extends AppError {
  constructor(public readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many attempts; try again in ${retryAfterSeconds} seconds.`);
  }
}
export class InvalidSignatureError extends AppError {
  constructor(message = 'The signature does not match the body.') {
    super(401, 'invalid_signature', message);
  }
}
// A worker stalled past its ingest claim and another took the row over; its work is rolled back.
export class ClaimLostError extends AppError {
  constructor(itemId: number) {
    super(409, 'claim_lost', `Inbound item ${itemId} was taken over by another worker.`);
  }
}
