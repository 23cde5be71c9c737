/** A listener error (from `onText`), carried past the error mapping so it is not mistaken for a provider failure. */
export class ListenerFailure {
  constructor(readonly error: unknown) {}
}
