import type { Role } from './roles.js';

/**
 * Who may call what: ONE table, read by one middleware (`authorize`). A rule is `public` (no
 * sign-in: the login page, health check), `signed-in` (any role) or the weakest role allowed.
 * `corpusWide` marks views over every document (compare, outlets, export, agreement): an annotator
 * is refused them while blind labelling is on, since they would show other annotators' labels.
 * Finer rules (an annotator edits only their own labels, labels only the documents assigned to
 * them) are checked where the label is known, in services/labels.ts.
 *
 * Every route of the app has its own line (tests/auth/permissions.test.ts walks the route table).
 * A route not in the table: GET/HEAD needs `viewer`; anything else needs `admin`, so a write route
 * added later is safe by default until it is given its role here.
 */
export interface Permission {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path segments; `:name` matches one segment, a final `*` any rest. */
  path: string;
  rule: 'public' | 'signed-in' | Role;
  corpusWide?: boolean;
  /** Annotators only on documents assigned to them (`:id`). */
  assigned?: boolean;
  /** Annotators only on their own labels (`:labelId` of document `:id`). */
  ownLabel?: boolean;
}

const p = (method: Permission['method'], path: string, rule: Permission['rule'], flags: 'corpusWide' | 'assigned' | 'ownLabel' | '' = ''): Permission => ({ method, path, rule, ...(flags ? { [flags]: true } : {}) });
const CORPUS = 'corpusWide';
const ASSIGNED = 'assigned';
const OWN = 'ownLabel';

export const PERMISSIONS: readonly Permission[] = [
  // Public
  p('GET', '/healthz', 'public'),
  p('GET', '/label-types.css', 'public'),
  p('GET', '/favicon.ico', 'public'), // browsers ask for it on every page, the login page too
  p('GET', '/login', 'public'),
  p('POST', '/login', 'public'),
  p('POST', '/api/login', 'public'),
  // Any signed-in user: their own account
  p('POST', '/logout', 'signed-in'),
  p('GET', '/account', 'signed-in'),
  p('POST', '/account/password', 'signed-in'),
  p('POST', '/account/tokens', 'signed-in'),
  p('POST', '/account/tokens/:id/revoke', 'signed-in'),
  p('POST', '/api/tokens', 'signed-in'),
  p('DELETE', '/api/tokens/:id', 'signed-in'),
  p('GET', '/api/me', 'signed-in'),
  p('GET', '/api/tokens', 'signed-in'),
  // Reading documents: any role. What an annotator sees of a document's labels, history, revisions,
  // counts and speaker names is cut to their own layer under blind labelling (auth/visibility.ts).
  p('GET', '/', 'viewer'),
  p('GET', '/api/documents', 'viewer'),
  p('GET', '/api/documents/:id', 'viewer'),
  p('GET', '/api/documents/:id/labels', 'viewer'),
  p('GET', '/api/documents/:id/revisions', 'viewer'),
  p('GET', '/api/documents/:id/events', 'viewer'),
  p('GET', '/api/documents/:id/revisions/:rev', 'viewer'),
  p('GET', '/api/documents/:id/diff', 'viewer'),
  p('GET', '/api/documents/:id/suggestions', 'viewer'),
  p('GET', '/api/documents/:id/assignments', 'viewer'),
  p('GET', '/api/documents/:id/answers', 'viewer'),
  p('GET', '/documents/:id', 'viewer'),
  p('GET', '/documents/:id/fragment', 'viewer'),
  p('GET', '/documents/:id/revisions', 'viewer'),
  p('GET', '/documents/:id/history', 'viewer'),
  p('GET', '/documents/:id/revisions/:rev', 'viewer'),
  p('GET', '/documents/:id/diff', 'viewer'),
  p('GET', '/documents/:id/questions', 'viewer'),
  p('GET', '/api/questions', 'viewer'),
  p('GET', '/api/label-types', 'viewer'),
  p('GET', '/label-types', 'viewer'),
  // Corpus-wide reads (hidden from annotators while blind labelling is on)
  p('GET', '/api/export', 'viewer', CORPUS),
  p('GET', '/export', 'viewer', CORPUS),
  p('GET', '/api/compare', 'viewer', CORPUS),
  p('GET', '/api/compare/:clusterId', 'viewer', CORPUS),
  p('GET', '/compare', 'viewer', CORPUS),
  p('GET', '/compare/:clusterId', 'viewer', CORPUS),
  p('GET', '/outlets', 'viewer', CORPUS),
  p('GET', '/outlets/:name', 'viewer', CORPUS),
  p('GET', '/speakers', 'viewer', CORPUS),
  p('GET', '/speakers/:id', 'viewer', CORPUS),
  p('GET', '/api/agreement', 'viewer', CORPUS),
  p('GET', '/agreement', 'viewer', CORPUS),
  p('GET', '/api/outlets', 'viewer', CORPUS),
  p('GET', '/api/speakers', 'viewer', CORPUS),
  p('GET', '/api/speakers/merges', 'viewer', CORPUS),
  p('GET', '/api/speakers/:id', 'viewer', CORPUS),
  p('GET', '/api/answers', 'viewer', CORPUS),
  p('GET', '/api/answers/agreement', 'viewer', CORPUS),
  // Annotators: labels (own ones only, checked in the service), suggestions, submitting their work
  p('POST', '/api/documents/:id/labels', 'annotator', ASSIGNED),
  p('PATCH', '/api/documents/:id/labels/:labelId', 'annotator', OWN),
  p('DELETE', '/api/documents/:id/labels/:labelId', 'annotator', OWN),
  p('POST', '/api/documents/:id/labels/:labelId/restore', 'annotator', OWN),
  p('POST', '/documents/:id/labels', 'annotator', ASSIGNED),
  p('POST', '/documents/:id/labels/:labelId', 'annotator', OWN),
  p('POST', '/documents/:id/labels/:labelId/delete', 'annotator', OWN),
  p('POST', '/api/documents/:id/suggestions/:sid/accept', 'annotator', ASSIGNED),
  p('POST', '/api/documents/:id/suggestions/:sid/reject', 'annotator', ASSIGNED),
  p('POST', '/documents/:id/suggestions/:sid/accept', 'annotator', ASSIGNED),
  p('POST', '/documents/:id/suggestions/:sid/reject', 'annotator', ASSIGNED),
  p('POST', '/api/documents/:id/submit', 'annotator', ASSIGNED),
  p('POST', '/documents/:id/submit', 'annotator', ASSIGNED),
  p('GET', '/queue', 'annotator'),
  // Document questions: annotators answer for themselves on their documents; only editors may
  // write the gold answers (`layer: "gold"`, refused in routes/answers.ts).
  p('PUT', '/api/documents/:id/answers', 'annotator', ASSIGNED),
  p('POST', '/documents/:id/questions', 'annotator', ASSIGNED),
  // Editors: texts, document details, imports, assignments, adjudication
  p('POST', '/api/documents', 'editor'),
  p('POST', '/documents', 'editor'),
  p('GET', '/documents/new', 'editor'),
  p('PATCH', '/api/documents/:id', 'editor'),
  p('POST', '/documents/:id/meta', 'editor'),
  p('PUT', '/api/documents/:id/text', 'editor'),
  p('GET', '/documents/:id/edit', 'editor'),
  p('POST', '/documents/:id/edit', 'editor'),
  p('GET', '/import', 'editor'),
  p('POST', '/import', 'editor'),
  p('POST', '/api/import', 'editor'),
  p('PUT', '/api/documents/:id/assignments', 'editor'),
  p('POST', '/api/assignments', 'editor'),
  p('GET', '/assignments', 'editor'),
  p('POST', '/assignments', 'editor'),
  p('POST', '/documents/:id/assignments', 'editor'),
  p('GET', '/documents/:id/adjudicate', 'editor'),
  p('POST', '/api/documents/:id/gold', 'editor'),
  p('DELETE', '/api/documents/:id/gold/:labelId', 'editor'),
  p('POST', '/documents/:id/gold', 'editor'),
  p('POST', '/documents/:id/gold/accept-agreed', 'editor'),
  p('POST', '/api/documents/:id/gold/accept-agreed', 'editor'),
  p('POST', '/documents/:id/gold/reject', 'editor'),
  p('GET', '/api/documents/:id/adjudication', 'editor'),
  p('POST', '/documents/:id/gold/:labelId/delete', 'editor'),
  p('DELETE', '/api/documents/:id', 'editor'),
  p('GET', '/documents/:id/delete', 'editor'),
  p('POST', '/documents/:id/delete', 'editor'),
  p('POST', '/api/trash/:id/restore', 'editor'),
  p('POST', '/trash/:id/restore', 'editor'),
  p('PUT', '/api/documents/:id/labels/:labelId/verdict', 'editor'),
  p('DELETE', '/api/documents/:id/labels/:labelId/verdict', 'editor'),
  p('POST', '/api/speakers/:id/merge', 'editor'),
  p('POST', '/api/speakers/:id/split', 'editor'),
  p('PATCH', '/api/speakers/:id', 'editor'),
  p('POST', '/api/speakers/merges/:mergeId/undo', 'editor'),
  p('POST', '/speakers/:id/merge', 'editor'),
  p('POST', '/speakers/:id/split', 'editor'),
  p('POST', '/speakers/merges/:mergeId/undo', 'editor'),
  p('POST', '/api/speakers/resolve', 'editor'),
  p('GET', '/api/verdict-settings', 'editor'),
  p('PUT', '/api/questions', 'editor'),
  p('POST', '/api/questions/template', 'editor'),
  p('GET', '/api/trash', 'editor'),
  p('GET', '/trash', 'editor'),
  // Admins: users, label types, project settings, emptying the trash for good
  p('GET', '/admin/users', 'admin'),
  p('POST', '/admin/users', 'admin'),
  p('POST', '/admin/users/:username', 'admin'),
  p('POST', '/admin/settings', 'admin'),
  p('GET', '/api/users', 'admin'),
  p('POST', '/api/users', 'admin'),
  p('PATCH', '/api/users/:username', 'admin'),
  p('GET', '/api/settings', 'editor'),
  p('PUT', '/api/settings', 'admin'),
  p('PUT', '/api/verdict-settings', 'admin'),
  p('POST', '/api/label-types', 'admin'),
  p('POST', '/label-types', 'admin'),
  p('PATCH', '/api/label-types/:id', 'admin'),
  p('POST', '/api/label-types/:id/merge', 'admin'),
  p('DELETE', '/api/label-types/:id', 'admin'),
  p('POST', '/label-types/:id', 'admin'),
  p('POST', '/label-types/:id/merge', 'admin'),
  p('POST', '/label-types/:id/delete', 'admin'),
  p('DELETE', '/api/trash/:id', 'admin'),
  p('DELETE', '/api/trash', 'admin'),
  p('POST', '/trash/:id/delete', 'admin'),
  p('POST', '/trash/empty', 'admin'),
];

/** The `:name` values when `path` matches `pattern`, else null. */
function matches(pattern: string, path: string): Record<string, string> | null {
  if (path === '/' || path === '') return pattern === '/' ? {} : null;
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '*') return params;
    if (got[i] === undefined) return null;
    if (want[i].startsWith(':')) {
      if (got[i] === '') return null;
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        params[want[i].slice(1)] = got[i];
      }
    } else if (want[i] !== got[i]) return null;
  }
  return got.length === want.length ? params : null;
}

/** The rule for a request and the path's parameters; the default for routes not listed is described above. */
export function permissionFor(method: string, path: string): { permission: Permission; params: Record<string, string> } {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const permission of PERMISSIONS) {
    if (permission.method !== m) continue;
    const params = matches(permission.path, path);
    if (params) return { permission, params };
  }
  return { permission: { method: m as Permission['method'], path, rule: m === 'GET' ? 'viewer' : 'admin' }, params: {} };
}
