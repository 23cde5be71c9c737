import { TaskFailure } from '../model/failure';

/** A request larger than its model's tokens-per-minute limit: it could never be sent, so it is refused at once. */
export class RequestTooLargeError extends TaskFailure {
  override readonly name: string = 'RequestTooLargeError';

  constructor(
    /** `provider/model` the request was for. */
    readonly model: string,
    /** Tokens the request would use (input estimate plus maximum output). */
    readonly requestedTokens: number,
    /** The model's tokens-per-minute limit. */
    readonly tokensPerMinute: number,
  ) {
    super(
      `A request of about ${requestedTokens} tokens to ${model} is larger than its limit of ${tokensPerMinute} tokens per minute, ` +
        'so it could never be sent. Raise the tokens-per-minute limit for this model in the settings, ' +
        'lower the maximum output tokens, or send less context.',
      'needs-human',
    );
  }
}
