/** The header's service name and the last part of every page title in the patient inbox. */
export const INBOX_AREA = 'Your health messages';
