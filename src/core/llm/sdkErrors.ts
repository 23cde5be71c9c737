// The error classes of the provider SDKs, known once an SDK has loaded. The SDKs load lazily (on
// the first call to their provider), so error mapping cannot import them: an error of an SDK that
// has not loaded cannot have been thrown yet.

/** The three error classes both SDKs export. */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
}

const loaded: SdkErrorClasses[] = [];

/** Called by the SDK loader when an SDK module has loaded. */
export function registerSdkErrors(sdk: SdkErrorClasses): void {
  if (!loaded.includes(sdk)) loaded.push(sdk);
}

/** Whether `err` is an instance of the named error class of a loaded SDK. */
export function isSdkError(err: unknown, kind: keyof SdkErrorClasses): boolean {
  return loaded.some((sdk) => err instanceof sdk[kind]);
}
