/** Providers reject prompts over their limit; cutting at a word keeps the request valid. */
export function limitPrompt(prompt: string, maxLength: number): string {
  if (prompt.length <= maxLength) return prompt;
  const cut = prompt.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace > maxLength * 0.8 ? cut.slice(0, lastSpace) : cut).trimEnd();
}
