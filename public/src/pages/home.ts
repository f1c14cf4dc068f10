// The home page needs only the shared shell: translations, language switch, quick exit.
import { initShell } from '../lib/shell';

initShell();
