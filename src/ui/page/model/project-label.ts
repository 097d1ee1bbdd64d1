/** A project as people know it: its name, or its id when the pipeline gave it none. */
export function projectLabel(projectId: number, projectName: string | undefined): string {
  const name = projectName?.trim();
  return name ? name : `Project ${projectId}`;
}
