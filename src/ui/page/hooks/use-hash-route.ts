import { useEffect, useState } from 'react';
import type { ReviewStatusFilter } from '../api/types';

export type Route =
  | { view: 'queue'; status: ReviewStatusFilter; projectId?: number }
  | { view: 'scene'; sceneId: number }
  | { view: 'insights'; projectId?: number };

/**
 * The view lives in the URL's hash (#/queue?status=decided, #/scenes/42) so the back button,
 * reloads and shared links work without the server knowing any page routes.
 */
export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const scene = /^\/scenes\/([1-9][0-9]{0,9})$/.exec(path);
  if (scene) return { view: 'scene', sceneId: Number(scene[1]) };
  const params = new URLSearchParams(query);
  const status = params.get('status');
  const project = params.get('project');
  const projectId = project && /^[1-9][0-9]{0,9}$/.test(project) ? Number(project) : undefined;
  if (path === '/insights') return projectId === undefined ? { view: 'insights' } : { view: 'insights', projectId };
  return {
    view: 'queue',
    status: status === 'decided' || status === 'all' ? status : 'pending',
    projectId,
  };
}

export function routeHref(route: Route): string {
  if (route.view === 'scene') return `#/scenes/${route.sceneId}`;
  const params = new URLSearchParams();
  if (route.view === 'insights') {
    if (route.projectId !== undefined) params.set('project', String(route.projectId));
    const insightsQuery = params.toString();
    return insightsQuery ? `#/insights?${insightsQuery}` : '#/insights';
  }
  if (route.status !== 'pending') params.set('status', route.status);
  if (route.projectId !== undefined) params.set('project', String(route.projectId));
  const query = params.toString();
  return query ? `#/queue?${query}` : '#/queue';
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
