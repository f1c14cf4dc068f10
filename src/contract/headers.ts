// The request headers of the API, spelled once for the server, the client and the pages.

/** Proof of work, checked before any body is read. */
export const POW_CHALLENGE_HEADER = 'x-pow-challenge';
export const POW_NONCE_HEADER = 'x-pow-nonce';
/** A supervisor's session: the token that proves a request comes from the portal's own page. */
export const CSRF_HEADER = 'x-csrf-token';
/** The reporter's look-up token, derived from the receipt in the browser (never the receipt). */
export const LOOKUP_TOKEN_HEADER = 'x-lookup-token';
