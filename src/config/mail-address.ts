// What counts as an alarm_mail recipient. nodemailer drops an entry without
// `@` from the envelope without a word, so supervise checks first and says so.

/** `local@domain`, both parts present, one `@`, no whitespace. */
export function isMailAddress(entry: string): boolean {
  return /^[^@\s]+@[^@\s]+$/.test(entry);
}
