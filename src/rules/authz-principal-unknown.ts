import type { Graph } from '../graph/graph.js';
import { describeSelector } from '../graph/labels.js';
import {
  IDENTITY_READS,
  identityNamespaces,
  lookupIdentity,
  namespacesWithAccount,
  parseIstioPrincipal,
  parseLinkerdIdentity,
  trustDomainsOf,
  type TrustDomainFacts,
} from '../graph/mesh/identities.js';
import { TARGET_READS, consulServices, kumaTargetRefSelection } from '../graph/mesh/targets.js';
import { getIn, isObject, str, type JsonValue, type Path, type Resource } from '../load/types.js';
import { closeSpelling, describe, didYouMean, explainSelection } from './_mesh-refs.js';
import { defineRule, type Report } from './types.js';
import { namespaceOf as nsOf } from '../graph/graph.js';
import { asArray as arr } from '../load/types.js';

type MessageId = 'unknownAccount' | 'unknownNamespace' | 'foreignTrustDomain' | 'consulUnknown' | 'kumaNoSource' | 'kumaMissing';

const READS = [
  ...IDENTITY_READS,
  ...TARGET_READS,
  'AuthorizationPolicy.security.istio.io',
  'MeshTLSAuthentication.policy.linkerd.io',
  'ServerAuthorization.policy.linkerd.io',
  'ServiceIntentions.consul.hashicorp.com',
  'MeshTrafficPermission.kuma.io',
];

export default defineRule({
  meta: {
    id: 'authz-principal-unknown',
    description: 'An authorization policy that names a caller identity (service account, principal, service) that no workload in the input has.',
    level: 'warning',
    family: 'references',
    reads: [...new Set(READS)],
    messages: {
      unknownAccount: '{policy} names service account {sa} in namespace {namespace}, but no workload in the input runs as it and no ServiceAccount of that name is declared there (accounts in {namespace}: {accounts}){hint}; {effect}',
      unknownNamespace: '{policy} names namespace {namespace}, where the input has no workloads, while {suggestion} has {what}; a typo? {effect}',
      foreignTrustDomain: '{policy} names {identity} with trust domain {trustDomain}, but the mesh trust domain is {meshTrustDomain}{assumed}; certificates in this mesh never carry it, so {effect}',
      consulUnknown: '{policy} allows or denies source {name}, which no Kubernetes Service or connect-service annotation in the input registers; did you mean {suggestion}? The intention never matches a caller',
      kumaNoSource: '{policy} names callers that match no dataplane: {why}; the permission never applies',
      kumaMissing: '{policy} names callers of {kind} {name}, which does not exist in namespace {namespace}: {why}; the permission never applies',
    },
    precision: 'medium',
    securitySeverity: 5.0,
  },
  check({ graph, report }) {
    for (const ap of graph.ofKind('security.istio.io', 'AuthorizationPolicy')) istioPolicy(graph, ap, report);
    for (const m of graph.ofKind('policy.linkerd.io', 'MeshTLSAuthentication')) linkerdAuthentication(graph, m, report);
    for (const sa of graph.ofKind('policy.linkerd.io', 'ServerAuthorization')) linkerdServerAuthorization(graph, sa, report);
    for (const si of graph.ofKind('consul.hashicorp.com', 'ServiceIntentions')) consulIntentions(graph, si, report);
    for (const mtp of graph.ofKind('kuma.io', 'MeshTrafficPermission')) kumaPermission(graph, mtp, report);
  },
});

type Emit = (r: Report<MessageId>) => void;



/** Report a (namespace, service account) pair that the input does not show; silent when the namespace is outside the input. */
function checkAccount(graph: Graph, policy: Resource, namespace: string, sa: string, path: Path, effect: string, emit: Emit): 'known' | 'reported' | 'outside' {
  const l = lookupIdentity(graph, namespace, sa);
  if (l.known) return 'known';
  if (!l.namespaceInInput) {
    // A caller in a namespace the input does not show (a gateway, another repository): no evidence of a mistake,
    // unless a namespace of a near spelling runs that very service account.
    // Every namespace has a `default` service account, so only a named account can point at a misspelt namespace.
    const alt = sa === 'default' ? undefined : closeSpelling(namespace, [...namespacesWithAccount(graph, sa)]);
    if (!alt) return 'outside';
    emit({ messageId: 'unknownNamespace', data: { policy: describe(policy), namespace, suggestion: `namespace ${alt}`, what: `a workload running as ${sa}`, effect }, resource: policy, path });
    return 'reported';
  }
  emit({
    messageId: 'unknownAccount',
    data: { policy: describe(policy), sa, namespace, accounts: l.accounts.join(', '), hint: didYouMean(sa, l.accounts), effect },
    resource: policy,
    path,
  });
  return 'reported';
}

function checkTrustDomain(policy: Resource, identity: string, td: string, facts: TrustDomainFacts, path: Path, effect: string, emit: Emit, localAlias: boolean): void {
  if (td === facts.trustDomain || facts.aliases.includes(td) || (localAlias && td === 'cluster.local')) return;
  emit({
    messageId: 'foreignTrustDomain',
    data: {
      policy: describe(policy),
      identity,
      trustDomain: td,
      meshTrustDomain: facts.trustDomain,
      assumed: facts.assumed ? ' (assumed: set cluster facts trustDomain / trustDomainAliases if yours differs)' : facts.aliases.length ? ` (aliases: ${facts.aliases.join(', ')})` : '',
      effect,
    },
    resource: policy,
    path,
    level: facts.assumed ? 'note' : undefined,
  });
}

// Istio -------------------------------------------------------------------------------------------------------

function istioPolicy(graph: Graph, ap: Resource, emit: Emit): void {
  const action = str(getIn(ap.obj, ['spec', 'action'])) ?? 'ALLOW';
  const facts = trustDomainsOf(graph, 'istio');
  arr(getIn(ap.obj, ['spec', 'rules'])).forEach((rule, i) => {
    arr(getIn(rule, ['from'])).forEach((from, j) => {
      const src = getIn(from, ['source']);
      if (!isObject(src)) return;
      const base: Path = ['spec', 'rules', i, 'from', j, 'source'];
      for (const field of ['principals', 'notPrincipals', 'serviceAccounts', 'notServiceAccounts', 'namespaces', 'notNamespaces'] as const) {
        const negated = field.startsWith('not');
        const effect = negated ? 'the exclusion never applies' : action === 'DENY' ? 'this DENY rule never matches that caller' : action === 'ALLOW' ? 'this ALLOW rule never matches that caller, so the calls it was meant to allow are denied' : 'the rule never matches that caller';
        arr(src[field]).forEach((v, k) => {
          if (typeof v !== 'string') return;
          const path: Path = [...base, field, k];
          if (field === 'principals' || field === 'notPrincipals') {
            const p = parseIstioPrincipal(v);
            if (!p) return;
            if (checkAccount(graph, ap, p.namespace, p.serviceAccount, path, effect, emit) === 'known') checkTrustDomain(ap, `principal ${v}`, p.trustDomain, facts, path, effect, emit, true);
          } else if (field === 'serviceAccounts' || field === 'notServiceAccounts') {
            const m = /^([^/*]+)\/([^/*]+)$/.exec(v);
            if (m) checkAccount(graph, ap, m[1]!, m[2]!, path, effect, emit);
          } else if (!v.includes('*') && !graph.namespaces().has(v)) {
            const alt = closeSpelling(v, identityNamespaces(graph));
            if (alt) emit({ messageId: 'unknownNamespace', data: { policy: describe(ap), namespace: v, suggestion: `namespace ${alt}`, what: 'workloads', effect }, resource: ap, path });
          }
        });
      }
    });
  });
}

// Linkerd -----------------------------------------------------------------------------------------------------

const LINKERD_EFFECT = 'the authentication never matches that client, so the clients it was meant for are refused';

function linkerdIdentity(graph: Graph, policy: Resource, id: string, path: Path, emit: Emit): void {
  const p = parseLinkerdIdentity(id);
  if (!p) return;
  if (checkAccount(graph, policy, p.namespace, p.serviceAccount, path, LINKERD_EFFECT, emit) === 'known') {
    checkTrustDomain(policy, `identity ${id}`, p.trustDomain, trustDomainsOf(graph, 'linkerd'), path, LINKERD_EFFECT, emit, false);
  }
}

function linkerdAuthentication(graph: Graph, m: Resource, emit: Emit): void {
  const ns = nsOf(graph, m);
  arr(getIn(m.obj, ['spec', 'identities'])).forEach((id, i) => {
    if (typeof id === 'string') linkerdIdentity(graph, m, id, ['spec', 'identities', i], emit);
  });
  arr(getIn(m.obj, ['spec', 'identityRefs'])).forEach((ref, i) => {
    if (!isObject(ref) || ref.kind !== 'ServiceAccount' || typeof ref.name !== 'string') return;
    checkAccount(graph, m, str(ref.namespace) ?? ns, ref.name, ['spec', 'identityRefs', i, 'name'], LINKERD_EFFECT, emit);
  });
}

function linkerdServerAuthorization(graph: Graph, a: Resource, emit: Emit): void {
  const ns = nsOf(graph, a);
  const mtls = getIn(a.obj, ['spec', 'client', 'meshTLS']);
  if (!isObject(mtls)) return;
  arr(mtls.serviceAccounts).forEach((s, i) => {
    if (isObject(s) && typeof s.name === 'string') checkAccount(graph, a, str(s.namespace) ?? ns, s.name, ['spec', 'client', 'meshTLS', 'serviceAccounts', i, 'name'], LINKERD_EFFECT, emit);
  });
  arr(mtls.identities).forEach((id, i) => {
    if (typeof id === 'string') linkerdIdentity(graph, a, id, ['spec', 'client', 'meshTLS', 'identities', i], emit);
  });
}

// Consul ------------------------------------------------------------------------------------------------------

function consulIntentions(graph: Graph, si: Resource, emit: Emit): void {
  const names = consulServices(graph);
  arr(getIn(si.obj, ['spec', 'sources'])).forEach((s, i) => {
    if (!isObject(s) || typeof s.name !== 'string' || s.name === '*' || names.has(s.name)) return;
    // Sources in a peer, partition or sameness group live outside this cluster.
    if (['peer', 'partition', 'samenessGroup'].some((k) => typeof s[k] === 'string' && s[k] !== '')) return;
    const suggestion = closeSpelling(s.name, names.keys());
    if (!suggestion) return;
    emit({ messageId: 'consulUnknown', data: { policy: describe(si), name: s.name, suggestion }, resource: si, path: ['spec', 'sources', i, 'name'] });
  });
}

// Kuma --------------------------------------------------------------------------------------------------------

function kumaPermission(graph: Graph, mtp: Resource, emit: Emit): void {
  const ns = nsOf(graph, mtp);
  arr(getIn(mtp.obj, ['spec', 'from'])).forEach((from, i) => {
    const ref = getIn(from, ['targetRef']);
    if (!isObject(ref)) return;
    const path: Path = ['spec', 'from', i, 'targetRef'];
    // Callers may run in any namespace of the mesh.
    const sel = kumaTargetRefSelection(graph, ref, path, 'all', ns);
    if (!sel || sel.templates.length > 0) return;
    if (sel.missingRef) {
      const m = sel.missingRef;
      emit({ messageId: 'kumaMissing', data: { policy: describe(mtp), kind: m.kind, name: m.name, namespace: m.namespace, why: sel.reason ?? 'not found' }, resource: mtp, path: m.path, level: m.partial ? 'note' : undefined });
      return;
    }
    if (sel.selector && sel.selector.kind === 'requirements') {
      const why = explainSelection(graph, sel.selector, sel.namespaces);
      const failed = why.failedPath ?? [];
      emit({
        messageId: 'kumaNoSource',
        data: { policy: describe(mtp), why: `${describeSelector(sel.selector)}: ${sel.reason ? `${sel.reason}; ` : ''}${why.why}` },
        resource: mtp,
        path: [...sel.path, ...failed.slice(-1)],
        level: why.level,
        related: why.related,
      });
      return;
    }
    if (sel.reason) emit({ messageId: 'kumaNoSource', data: { policy: describe(mtp), why: sel.reason }, resource: mtp, path: sel.path });
  });
}
