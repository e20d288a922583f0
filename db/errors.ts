/** Why a database could not be opened; hosts turn each reason into a message with a remedy. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly reason: 'NEWER_VERSION' | 'NOT_DURABLE' | 'CORRUPT' | 'CANNOT_OPEN' | 'NO_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}
