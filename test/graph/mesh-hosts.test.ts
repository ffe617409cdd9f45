/**
 * Istio host resolution (semantics.md §2.4–§2.6): how each host form expands, what answers for it, and why not.
 */
import { describe, expect, it } from 'vitest';
import { clusterDomainOf, expandHost, hostMatches, hostsMatching, resolveHost, servicesNamed } from '../../src/graph/mesh/hosts.js';
import { graphOf, refOf } from '../helpers/mesh-graph.js';

const input = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}, ports: [{port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: staging}
spec: {selector: {app: reviews}, ports: [{port: 9080}]}
---
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations: {networking.istio.io/exportTo: "."}
spec: {selector: {app: internal}, ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: apis, namespace: egress}
spec: {hosts: ["*.googleapis.com", api.stripe.com], ports: [{number: 443, name: https, protocol: HTTPS}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: private, namespace: egress}
spec: {hosts: [db.corp.example], exportTo: ["."], ports: [{number: 5432, name: tcp, protocol: TCP}]}
`;

describe('expandHost', () => {
  it('expands only dot-less names, in the namespace of the object that wrote them', async () => {
    const g = await graphOf(input);
    expect(expandHost(g, 'reviews', 'web')).toEqual({ fqdn: 'reviews.web.svc.cluster.local', form: 'short', designates: { name: 'reviews', namespace: 'web' } });
    expect(expandHost(g, 'reviews.shop', 'web')).toMatchObject({ fqdn: 'reviews.shop', form: 'partial', designates: { name: 'reviews', namespace: 'shop' } });
    expect(expandHost(g, 'reviews.shop.svc', 'web')).toMatchObject({ form: 'partial' });
    expect(expandHost(g, 'reviews.shop.svc.cluster.local', 'web')).toMatchObject({ form: 'cluster', designates: { name: 'reviews', namespace: 'shop' } });
    expect(expandHost(g, '*.example.com', 'web').form).toBe('wildcard');
    expect(expandHost(g, '10.0.0.7', 'web').form).toBe('ip');
    expect(expandHost(g, 'api.stripe.com', 'web').form).toBe('external');
  });

  it('uses the cluster domain from the cluster facts', async () => {
    const g = await graphOf(input, { clusterDomain: 'corp.internal' });
    expect(clusterDomainOf(g)).toEqual({ value: 'corp.internal', assumed: false });
    expect(expandHost(g, 'reviews', 'shop').fqdn).toBe('reviews.shop.svc.corp.internal');
    // With another domain, the cluster.local spelling is just an outside name.
    expect(expandHost(g, 'reviews.shop.svc.cluster.local', 'shop').form).toBe('external');
    expect(resolveHost(g, 'reviews.shop.svc.corp.internal', 'web').services.map(refOf)).toEqual(['shop/Service/reviews']);
    const dflt = await graphOf(input);
    expect(clusterDomainOf(dflt)).toEqual({ value: 'cluster.local', assumed: true });
  });
});

describe('resolveHost', () => {
  it('resolves a short name against the writer namespace, not the Service namespace', async () => {
    const g = await graphOf(input);
    expect(resolveHost(g, 'reviews', 'shop').services.map(refOf)).toEqual(['shop/Service/reviews']);
    expect(resolveHost(g, 'reviews', 'staging').services.map(refOf)).toEqual(['staging/Service/reviews']);
    const web = resolveHost(g, 'reviews', 'web');
    expect(web.found).toBe(false);
    expect(web.reason).toBe('no Service reviews in namespace web and no ServiceEntry declares reviews.web.svc.cluster.local');
    expect(servicesNamed(g, 'reviews').map(refOf)).toEqual(['shop/Service/reviews', 'staging/Service/reviews']);
  });

  it('explains that name.namespace is looked up literally', async () => {
    const g = await graphOf(input);
    const r = resolveHost(g, 'reviews.shop', 'web');
    expect(r.found).toBe(false);
    expect(r.reason).toContain('Istio expands only names without a dot');
    expect(r.reason).toContain('reviews.shop.svc.cluster.local');
  });

  it('finds ServiceEntry hosts, exact and by wildcard, with exportTo', async () => {
    const g = await graphOf(input);
    expect(resolveHost(g, 'api.stripe.com', 'web').serviceEntries.map(refOf)).toEqual(['egress/ServiceEntry/apis']);
    expect(resolveHost(g, 'storage.googleapis.com', 'web').serviceEntries.map(refOf)).toEqual(['egress/ServiceEntry/apis']);
    expect(resolveHost(g, 'googleapis.com', 'web').found).toBe(false);
    expect(resolveHost(g, 'db.corp.example', 'egress').found).toBe(true);
    expect(resolveHost(g, 'db.corp.example', 'web')).toMatchObject({ found: false, reason: 'no ServiceEntry in the input declares db.corp.example' });
  });

  it('honours the exportTo annotation of a Service', async () => {
    const g = await graphOf(input);
    expect(resolveHost(g, 'internal', 'shop').found).toBe(true);
    const r = resolveHost(g, 'internal.shop.svc.cluster.local', 'web');
    expect(r.found).toBe(false);
    expect(r.reason).toContain('not exported to namespace web');
  });
});

describe('host patterns', () => {
  it('matches wildcards by suffix', () => {
    expect(hostMatches('*', 'anything.example')).toBe(true);
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('a.example.com', 'A.example.com')).toBe(true);
  });

  it('lists the Services and ServiceEntries a wildcard covers', async () => {
    const g = await graphOf(input);
    const m = hostsMatching(g, '*.shop.svc.cluster.local', 'shop');
    expect(m.services.map(refOf).sort()).toEqual(['shop/Service/internal', 'shop/Service/reviews']);
    expect(hostsMatching(g, '*.shop.svc.cluster.local', 'web').services.map(refOf)).toEqual(['shop/Service/reviews']);
    expect(hostsMatching(g, '*.com', 'web').serviceEntries.map(refOf)).toEqual(['egress/ServiceEntry/apis']);
  });
});
