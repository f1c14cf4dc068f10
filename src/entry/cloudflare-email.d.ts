// The one workerd module the Worker entry loads itself (for the send_email binding), typed
// narrowly so the Node type check needs no global Workers types.
declare module 'cloudflare:email' {
  export class EmailMessage {
    constructor(from: string, to: string, raw: string);
  }
}
