/**
 * The cluster path of an on-demand environment: where a team runs Kubernetes, an environment of
 * the reference app is a namespace. Synthesized here in TypeScript with the Kubernetes API's own
 * models (kubernetes-models), so every object is checked against the API's OpenAPI schema before
 * anything is written (`validate()`); no cluster is needed, and none is reachable from here.
 *
 * One environment: its Namespace (labels: owner and expiry, which the reaper reads), a Secret
 * with its database credentials (generated, or an external database's URL), PostgreSQL as a
 * StatefulSet with a headless Service (or nothing, with an external database), the API
 * (gunicorn) and the web (nginx: the very config the local stack uses, listening in the pod and
 * proxying to the API's Service) as Deployments with Services, a Job that runs the migrations
 * and a Job that seeds random data from a profile. The reaper: a CronJob (with its
 * ServiceAccount and the one ClusterRole it needs) that deletes the namespaces whose expiry
 * label has passed.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { checkEnvironmentName, checkOwner, type SEED_PROFILES } from './env-names.ts';
import { nginxConfig } from './web.ts';

/** Every object this module makes: validate() against the schema, toJSON() for kubectl. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  validate(): void;
  toJSON(): unknown;
}

export const PART_OF = 'tollgate-environments';
export const LABEL = {
  environment: 'tollgate.dev/environment',
  owner: 'tollgate.dev/owner',
  /** Seconds since the epoch (a label value must be alphanumeric): what the reaper compares. */
  expires: 'tollgate.dev/expires',
} as const;

export interface ClusterEnvironment {
  /** A DNS label; the namespace is `tg-<name>`. */
  name: string;
  owner: string;
  expires: Date;
  /** The git ref and the build id (its short sha) the images were built from. */
  ref: string;
  build: string;
  images: { api: string; web: string; tollgate: string };
  seed: { profile: (typeof SEED_PROFILES)[number]; seed: number };
  /** An external database (its URL, a secret), or PostgreSQL in the namespace with this password. */
  database: { url: string } | { password: string };
}

const APP_PORT = { api: 8000, web: 8080, db: 5432 };

export function environmentManifests(e: ClusterEnvironment): Manifest[] {
  checkEnvironmentName(e.name);
  checkOwner(e.owner);
  const namespace = `tg-${e.name}`;
  const labels = {
    'app.kubernetes.io/part-of': PART_OF,
    [LABEL.environment]: e.name,
    [LABEL.owner]: e.owner,
    [LABEL.expires]: String(Math.floor(e.expires.getTime() / 1000)),
  };
  const annotations = { 'tollgate.dev/expires-at': e.expires.toISOString(), 'tollgate.dev/ref': e.ref, 'tollgate.dev/build': e.build };
  const meta = (name: string, component: string) => ({
    name,
    namespace,
    labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': component, [LABEL.environment]: e.name },
  });
  const selector = (component: string) => ({ 'app.kubernetes.io/component': component, [LABEL.environment]: e.name });
  const deployment = (component: string, container: IContainer, volumes: IVolume[] = []) =>
    new Deployment({
      metadata: meta(component, component),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector(component) },
        template: { metadata: { labels: selector(component) }, spec: { containers: [container], ...(volumes.length ? { volumes } : {}) } },
      },
    });
  /** A run-to-completion step, retried while what it needs is not up yet. */
  const job = (component: string, container: IContainer) =>
    new Job({
      metadata: meta(component, component),
      spec: { backoffLimit: 6, template: { spec: { restartPolicy: 'OnFailure', containers: [container] } } },
    });
  const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: 'tagtrust-db', key } } });
  const password = 'password' in e.database ? e.database.password : undefined;
  const databaseUrl =
    password !== undefined
      ? `postgresql://tagtrust:${encodeURIComponent(password)}@postgres.${namespace}.svc:${APP_PORT.db}/tagtrust`
      : (e.database as { url: string }).url;

  const objects: Manifest[] = [
    new Namespace({ metadata: { name: namespace, labels, annotations } }),
    new Secret({
      metadata: meta('tagtrust-db', 'database'),
      type: 'Opaque',
      stringData: { DATABASE_URL: databaseUrl, ...(password !== undefined ? { POSTGRES_PASSWORD: password } : {}) },
    }),
  ];
  if (password !== undefined) {
    objects.push(
      new Service({
        metadata: meta('postgres', 'database'),
        spec: { clusterIP: 'None', selector: selector('database'), ports: [{ name: 'postgres', port: APP_PORT.db }] },
      }),
      new StatefulSet({
        metadata: meta('postgres', 'database'),
        spec: {
          serviceName: 'postgres',
          replicas: 1,
          selector: { matchLabels: selector('database') },
          template: {
            metadata: { labels: selector('database') },
            spec: {
              containers: [
                {
                  name: 'postgres',
                  image: 'postgres:15',
                  env: [
                    { name: 'POSTGRES_USER', value: 'tagtrust' },
                    { name: 'POSTGRES_DB', value: 'tagtrust' },
                    fromSecret('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD'),
                  ],
                  ports: [{ name: 'postgres', containerPort: APP_PORT.db }],
                  readinessProbe: { exec: { command: ['pg_isready', '-U', 'tagtrust', '-d', 'tagtrust'] }, periodSeconds: 5 },
                  volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data', subPath: 'pgdata' }],
                  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
                },
              ],
            },
          },
          volumeClaimTemplates: [
            { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
          ],
        },
      }),
    );
  }
  const apiEnv = [fromSecret('DATABASE_URL', 'DATABASE_URL'), { name: 'BUILD_ID', value: e.build }];
  objects.push(
    // backoffLimit 6: the database may still be starting.
    job('migrate', { name: 'migrate', image: e.images.api, command: ['python3', '-m', 'api.migrate'], env: apiEnv }),
    deployment('api', {
      name: 'api',
      image: e.images.api,
      command: ['python3', '-m', 'gunicorn', '--workers', '2', '--bind', `0.0.0.0:${APP_PORT.api}`, 'api:create_app()'],
      env: apiEnv,
      ports: [{ name: 'http', containerPort: APP_PORT.api }],
      // /readyz says 503 until the migrations are at head: the pod is not ready before the Job has run.
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    }),
    new Service({
      metadata: meta('api', 'api'),
      spec: { selector: selector('api'), ports: [{ name: 'http', port: APP_PORT.api, targetPort: 'http' }] },
    }),
    new ConfigMap({
      metadata: meta('web-nginx', 'web'),
      data: {
        'nginx.conf': nginxConfig({
          prefix: '/tmp',
          wwwDir: '/usr/share/nginx/html',
          logDir: '/tmp',
          webPort: APP_PORT.web,
          apiPort: APP_PORT.api,
          apiHost: `api.${namespace}.svc`,
          listenHost: '0.0.0.0',
        }),
      },
    }),
    deployment(
      'web',
      {
        name: 'web',
        image: e.images.web,
        command: ['nginx', '-c', '/etc/tollgate/nginx.conf'],
        ports: [{ name: 'http', containerPort: APP_PORT.web }],
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
        volumeMounts: [{ name: 'config', mountPath: '/etc/tollgate' }],
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      },
      [{ name: 'config', configMap: { name: 'web-nginx' } }],
    ),
    new Service({
      metadata: meta('web', 'web'),
      spec: { selector: selector('web'), ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }),
    // Until the migrations are at head the seeder refuses (exit 65) and writes nothing; the Job retries.
    job('seed', {
      name: 'seed',
      image: e.images.tollgate,
      command: ['npx', 'tollgate', 'seed', '--env', 'dev', '--profile', e.seed.profile, '--seed', String(e.seed.seed)],
      env: [fromSecret('DATABASE_URL', 'DATABASE_URL'), { name: 'TOLLGATE_DATABASE_URL_VAR', value: 'DATABASE_URL' }],
    }),
  );
  return objects;
}

/**
 * The reaper's script (POSIX sh, kubectl): every namespace of an on-demand environment whose
 * expiry label has passed is deleted; a label that is not a time is skipped and said.
 */
export const REAPER_SCRIPT = `set -eu
now=$(date +%s)
kubectl get namespaces -l 'app.kubernetes.io/part-of=${PART_OF},${LABEL.expires}' \\
  -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.labels.tollgate\\.dev/expires}{"\\n"}{end}' |
while read -r ns expires; do
  case "$expires" in
    ''|*[!0-9]*) echo "reaper: $ns: expiry label '$expires' is not a time; skipped"; continue ;;
  esac
  if [ "$expires" -le "$now" ]; then
    echo "reaper: $ns expired $(( now - expires )) s ago; deleting"
    kubectl delete namespace "$ns" --wait=false
  fi
done
`;

export function reaperManifests(o: { schedule?: string; image?: string } = {}): Manifest[] {
  const namespace = 'tollgate-system';
  const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': 'reaper' };
  return [
    new Namespace({ metadata: { name: namespace, labels } }),
    new ServiceAccount({ metadata: { name: 'tollgate-reaper', namespace, labels } }),
    new ClusterRole({
      metadata: { name: 'tollgate-reaper', labels },
      rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'delete'] }],
    }),
    new ClusterRoleBinding({
      metadata: { name: 'tollgate-reaper', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tollgate-reaper' },
      subjects: [{ kind: 'ServiceAccount', name: 'tollgate-reaper', namespace }],
    }),
    new CronJob({
      metadata: { name: 'tollgate-reaper', namespace, labels },
      spec: {
        schedule: o.schedule ?? '*/15 * * * *',
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            template: {
              spec: {
                serviceAccountName: 'tollgate-reaper',
                restartPolicy: 'Never',
                containers: [{ name: 'reaper', image: o.image ?? 'bitnami/kubectl:1.31', command: ['/bin/sh', '-c', REAPER_SCRIPT] }],
              },
            },
          },
        },
      },
    }),
  ];
}

/** Each object checked against the Kubernetes API schema: its problems, `kind/name: message`. */
export function schemaProblems(objects: Manifest[]): string[] {
  return objects.flatMap((o) => {
    try {
      o.validate();
      return [];
    } catch (e) {
      return [`${o.kind}/${o.metadata?.name ?? '?'}: ${(e as Error).message}`];
    }
  });
}

/** What `kubectl apply -f` takes: one List of every object. */
export function asList(objects: Manifest[]): { apiVersion: 'v1'; kind: 'List'; items: unknown[] } {
  return { apiVersion: 'v1', kind: 'List', items: objects.map((o) => o.toJSON()) };
}
