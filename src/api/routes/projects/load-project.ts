import type { FastifyRequest } from 'fastify';
import { projectsRepository, type Project } from '../../../db/repositories/projects.js';
import type { Db } from '../../../db/connection.js';
import { notFound } from '../../http-error.js';

/** The caller's project named in the route; another tenant's answers exactly like a missing one. */
export async function loadProject(db: Db, request: FastifyRequest<{ Params: { id: string } }>): Promise<Project> {
  const project = await projectsRepository(db).findForTenant(request.caller.tenantId, request.params.id);
  if (!project) throw notFound(`project ${request.params.id}`);
  return project;
}
