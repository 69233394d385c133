// Errors the CLI reports as one line: a user mistake (usage) or a failed operation.

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/**
 * Standard output's reader went away (bbans -c FILE | head). Not a failure to report: the command
 * ends quietly with 141, what a shell reports for gzip killed by SIGPIPE in the same spot.
 */
export class OutputClosed extends CliError {
  constructor() {
    super('standard output was closed before everything was written', 141);
    this.name = 'OutputClosed';
  }
}
