/**
 * The workflow appends the brand's avoid list to every prompt it builds, so a prompt offered
 * for editing leaves it out; otherwise each new round would carry it twice.
 */
export function withoutAvoidList(prompt: string): string {
  const index = prompt.lastIndexOf('. Avoid:');
  return (index >= 0 ? prompt.slice(0, index) : prompt).trim();
}
