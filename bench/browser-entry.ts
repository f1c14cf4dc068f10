// Entry of the page bundle for the Chromium figure: exposes the same measurement to the page.
import { measureCrypto } from './crypto-measure';

(globalThis as { measureCrypto?: typeof measureCrypto }).measureCrypto = measureCrypto;
