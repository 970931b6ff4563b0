/** A span of seconds as people read it in a mail or a page: "1 minute", "15 minutes" (at least one). */
export function minutesInWords(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
