import type { ReviewStatusFilter } from '../api/types';
import { routeHref } from '../hooks/use-hash-route';

interface QueueFiltersProps {
  status: ReviewStatusFilter;
  projectId: number | undefined;
  projects: { id: number; name?: string }[];
}

const STATUSES: { value: ReviewStatusFilter; label: string }[] = [
  { value: 'pending', label: 'Pending' },
  { value: 'decided', label: 'Decided' },
  { value: 'all', label: 'All' },
];

/** Filters live in the URL, so they survive a reload and can be shared. */
export function QueueFilters({ status, projectId, projects }: QueueFiltersProps) {
  const go = (next: { status?: ReviewStatusFilter; projectId?: number | null }): void => {
    window.location.hash = routeHref({
      view: 'queue',
      status: next.status ?? status,
      projectId: next.projectId === null ? undefined : (next.projectId ?? projectId),
    });
  };
  return (
    <div className="filters" role="group" aria-label="Filters">
      <fieldset className="segmented">
        <legend className="visually-hidden">Status</legend>
        {STATUSES.map((option) => (
          <label key={option.value} className={status === option.value ? 'active' : undefined}>
            <input type="radio" name="status" value={option.value} checked={status === option.value} onChange={() => go({ status: option.value })} />
            {option.label}
          </label>
        ))}
      </fieldset>
      <label className="project-filter">
        Project{' '}
        <select
          value={projectId === undefined ? '' : String(projectId)}
          onChange={(event) => go({ projectId: event.target.value === '' ? null : Number(event.target.value) })}
        >
          <option value="">All projects</option>
          {projects.map(({ id, name }) => (
            <option key={id} value={id}>
              {name ? `${name} (${id})` : `Project ${id}`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
