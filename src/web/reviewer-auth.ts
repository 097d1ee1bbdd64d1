import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error';

export interface ReviewerCredential {
  reviewer: string;
  token: string;
  /** The projects the token may see and act on; absent: every project. */
  projects?: readonly number[];
}

export interface Caller {
  reviewer: string;
  projects?: readonly number[];
}

/** Whether the caller's token reaches the project; out of scope answers 404, as if it did not exist. */
export function canSee(caller: { projects?: readonly number[] }, projectId: number): boolean {
  return caller.projects === undefined || caller.projects.includes(projectId);
}

/** A project the caller asked for by id must be in its token's scope: 404 otherwise, as for any project that does not exist. */
export function checkProjectInScope(scope: readonly number[] | undefined, projectId: number | undefined): void {
  if (projectId !== undefined && !canSee({ projects: scope }, projectId)) throw new HttpError(404, `Project ${projectId} not found`);
}

/**
 * Finds the reviewer a bearer token belongs to. Both sides are hashed first so every comparison
 * is over equal lengths, and every credential is compared, so neither the token's length nor
 * which reviewer matched shows in the time taken.
 */
export function createReviewerAuthenticator(credentials: readonly ReviewerCredential[]): (request: FastifyRequest) => Caller {
  if (credentials.length === 0) throw new Error('The web server needs at least one reviewer token');
  const known = credentials.map(({ reviewer, token, projects }) => {
    if (token.length === 0) throw new Error(`Reviewer ${reviewer} has an empty token`);
    return { caller: projects === undefined ? { reviewer } : { reviewer, projects }, digest: sha256(token) };
  });
  return (request) => {
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined) throw new HttpError(401, 'Missing bearer token: send Authorization: Bearer <token>');
    const digest = sha256(presented);
    let caller: Caller | undefined;
    for (const candidate of known) {
      if (timingSafeEqual(candidate.digest, digest) && caller === undefined) caller = candidate.caller;
    }
    if (caller === undefined) throw new HttpError(401, 'Invalid bearer token');
    return caller;
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
