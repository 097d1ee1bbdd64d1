import { useSession } from '../session';

/** Opens the workflow's page in the Temporal Web UI: its history, state and pending signals. */
export function TemporalLink({ workflowId, label = 'Workflow in Temporal' }: { workflowId: string; label?: string }) {
  const { config } = useSession();
  const base = config.temporalUiUrl.replace(/\/+$/, '');
  const href = `${base}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return (
    <a className="temporal-link" href={href} target="_blank" rel="noreferrer" title={`Open ${workflowId} in the Temporal Web UI`}>
      {label} <span aria-hidden="true">↗</span>
    </a>
  );
}
