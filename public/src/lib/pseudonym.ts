// Supervisors' pseudonyms are stored as "Supervisor K7QM"; shown in the reader's language.
import { t } from '../i18n';

export function pseudonymText(pseudonym: string): string {
  const code = /^Supervisor ([0-9A-Z]{4})$/.exec(pseudonym)?.[1];
  return code ? t('common.pseudonym', { code }) : pseudonym;
}
