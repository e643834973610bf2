import { Session } from '../../src/model';

export function session(over: Partial<Session> = {}): Session {
  return {
    id: 'id-1',
    name: 'implement-user-auth',
    mode: 'building',
    status: 'active',
    project: 'api-server',
    description: null,
    tags: [],
    metadata: {},
    context: {},
    createdAt: '2026-11-24T18:00:00.000Z',
    updatedAt: '2026-11-24T18:00:00.000Z',
    startedAt: '2026-11-24T18:00:00.000Z',
    lastPausedAt: null,
    endedAt: null,
    failureReason: null,
    durationSeconds: 60,
    activeSeconds: 60,
    actions: ['pause', 'complete', 'fail'],
    ...over,
  };
}
