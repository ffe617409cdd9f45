/**
 * The mesh reference rules over real manifests written by others (../shared/corpus).
 *
 * - The Gateway API conformance suite ships deliberately invalid routes; each is linted together with the suite's
 *   base and mesh manifests (which hold the Gateways, Services and Deployments the tests rely on) and must yield
 *   exactly the findings judged real below, one comment per file saying why.
 * - Working demo applications (Istio bookinfo, Linkerd emojivoto, Consul HashiCups, the Kuma counter demo) must not
 *   produce findings of these rules: each unit below is a place where a mesh resolves something at run time or
 *   outside the application's manifests (gateway pods, generated Kuma tags, Consul services registered by the
 *   control plane, proxy ports added by injection), and an earlier draft of the rules reported it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, located } from '../../src/index.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');

const RULES = [
  'route-destination-missing',
  'route-subset-undefined',
  'subset-matches-nothing',
  'mesh-policy-selector-matches-nothing',
  'authz-principal-unknown',
  'gateway-reference-missing',
  'host-shortname-wrong-namespace',
  'serviceprofile-service-missing',
];

/** `rule/messageId level file:line path` for every finding of these rules on `paths`. */
async function findings(...paths: string[]): Promise<string[]> {
  const result = await lint({ paths, cwd: corpus, config: false, onlyRules: RULES });
  expect(result.ruleErrors).toEqual([]);
  return located(result).map((l) => `${l.ruleId}/${l.finding.messageId} ${l.level} ${l.uri}:${l.region.startLine} ${l.path}`);
}

const CONFORMANCE = 'gateway-api/conformance';
const BASE = [`${CONFORMANCE}/base/manifests.yaml`, `${CONFORMANCE}/mesh/manifests.yaml`];

/** file (under conformance/tests) → expected findings, `rule/messageId level line path`. */
const CONFORMANCE_EXPECTED: readonly (readonly [string, readonly string[], string])[] = [
  ['httproute-invalid-nonexistent-backendref.yaml', ['route-destination-missing/noTarget error 11 spec.rules[0].backendRefs[0].name'], 'the backend Service "nonexistent" is in no manifest'],
  ['httproute-invalid-backendref-unknown-kind.yaml', ['route-destination-missing/unknownKind warning 12 spec.rules[0].backendRefs[0].kind'], 'kind NonExistent.unknownkind.example.com has no CRD; the suite expects ResolvedRefs=False/InvalidKind'],
  ['tlsroute-invalid-backendref-unknown-kind.yaml', ['route-destination-missing/unknownKind warning 32 spec.rules[0].backendRefs[0].kind'], 'same as above, for a TLSRoute'],
  ['tcproute-invalid-backendref-nonexistent.yaml', ['route-destination-missing/noTarget error 27 spec.rules[0].backendRefs[0].name'], 'Service nonexistent-service does not exist'],
  ['tlsroute-invalid-backendref-nonexistent.yaml', ['route-destination-missing/noTarget error 31 spec.rules[0].backendRefs[0].name'], 'Service nonexistent does not exist'],
  ['udproute-invalid-backendref-nonexistent.yaml', ['route-destination-missing/noTarget error 27 spec.rules[0].backendRefs[0].name'], 'Service nonexistent-service does not exist'],
  // The intended defect is the missing ReferenceGrant, but the Service udp-echo-no-reference-grant is in no
  // manifest of the suite either; a missing target is reported first (one finding per reference).
  ['udproute-invalid-cross-namespace-backend-ref.yaml', ['route-destination-missing/noTarget error 27 spec.rules[0].backendRefs[0].name'], 'the cross-namespace backend does not exist'],
  ['httproute-invalid-cross-namespace-backend-ref.yaml', ['gateway-reference-missing/noGrant error 12 spec.rules[0].backendRefs[0].namespace'], 'web-backend exists in another namespace and no ReferenceGrant allows it'],
  ['tcproute-invalid-cross-namespace-backend-ref.yaml', ['gateway-reference-missing/noGrant error 86 spec.rules[0].backendRefs[0].namespace'], 'same for a TCPRoute'],
  // Seven ReferenceGrants, each wrong in one field (namespace, from group/kind/namespace, to group/kind/name).
  ['httproute-invalid-reference-grant.yaml', ['gateway-reference-missing/noGrant error 118 spec.rules[0].backendRefs[0].namespace'], 'no grant matches both from and to'],
  ['tlsroute-invalid-reference-grant.yaml', ['gateway-reference-missing/noGrant error 120 spec.rules[0].backendRefs[0].namespace'], 'same for a TLSRoute'],
  // The grant names app-backend-v1 only; the /v2 rule's backend app-backend-v2 is refused, the v1 rule is fine.
  ['httproute-partially-invalid-via-invalid-reference-grant.yaml', ['gateway-reference-missing/noGrant error 31 spec.rules[0].backendRefs[0].namespace'], 'only the v2 backend lacks a grant'],
  ['gateway-secret-missing-reference-grant.yaml', ['gateway-reference-missing/noGrant error 20 spec.listeners[0].tls.certificateRefs[0].namespace'], 'listener certificate in another namespace, no grant'],
  ['gateway-secret-invalid-reference-grant.yaml', ['gateway-reference-missing/noGrant error 20 spec.listeners[0].tls.certificateRefs[0].namespace'], 'the grant there names another Secret'],
  ['httproute-invalid-cross-namespace-parent-ref.yaml', ['gateway-reference-missing/notAllowed error 8 spec.parentRefs[0]'], 'Gateway same-namespace only allows routes from its own namespace'],
  ['httproute-invalid-parentref-not-matching-listener-port.yaml', ['gateway-reference-missing/noListener error 11 spec.parentRefs[0].port'], 'no listener on port 81'],
  ['httproute-invalid-parentref-not-matching-section-name.yaml', ['gateway-reference-missing/noListener error 12 spec.parentRefs[0].sectionName'], 'no listener named http1'],
  ['httproute-invalid-parentref-section-name-not-matching-port.yaml', ['gateway-reference-missing/noListener error 29 spec.parentRefs[0].port'], 'listener http is on port 80, not 81'],
  ['httproute-disallowed-kind.yaml', ['gateway-reference-missing/notAllowed error 27 spec.parentRefs[0]'], 'the only listener allows TLSRoute'],
  [
    'tlsroute-invalid-no-matching-listener.yaml',
    [
      'gateway-reference-missing/notAllowed error 61 spec.parentRefs[0]',
      'gateway-reference-missing/notAllowed error 76 spec.parentRefs[0]',
      'gateway-reference-missing/noListener error 92 spec.parentRefs[0].sectionName',
    ],
    'TLSRoutes on an HTTP-only and an HTTPS-only Gateway (default kinds), and a section name that does not exist',
  ],
  ['udproute-not-allowed-by-listeners.yaml', ['gateway-reference-missing/notAllowed error 25 spec.parentRefs[0]'], 'a UDPRoute on a TLS-only Gateway'],
  // TCPRoute on a listener that only allows HTTPRoute; its backend tcp-echo-backend is also in no manifest of the suite.
  ['tcproute-invalid-non-tcp-listener.yaml', ['gateway-reference-missing/notAllowed error 23 spec.parentRefs[0]', 'route-destination-missing/noTarget error 27 spec.rules[0].backendRefs[0].name'], 'both references are broken in the input'],
  ['listenerset-allowed-routes-namespaces.yaml', ['gateway-reference-missing/notAllowed error 189 spec.parentRefs[0]'], 'the suite expects this route to be rejected by the ListenerSet (from: Same)'],
  ['listenerset-dual-parentref-independence.yaml', ['gateway-reference-missing/noListener error 74 spec.parentRefs[0].sectionName'], 'the listener name exists on the ListenerSet, not on the Gateway (the suite expects Accepted=False)'],
  ['listenerset-gateway-parent-section-name-not-found.yaml', ['gateway-reference-missing/noListener error 72 spec.parentRefs[0].sectionName'], 'same, attaching through the Gateway'],
  // The route is bound to Gateway client-validation-invalid, which the file does not define (it defines
  // gateway-with-invalid-client-cert-validation): real in the input.
  ['gateway-with-invalid-clientcertificate-validation.yaml', ['gateway-reference-missing/missingParent error 99 spec.parentRefs[0].name'], 'parent Gateway is in no manifest'],
  // http-route-4 deliberately routes to "does-not-exist" (the test counts attached routes regardless of backends).
  ['gateway-with-attached-routes.yaml', ['route-destination-missing/noTarget error 152 spec.rules[0].backendRefs[0].name'], 'backend does-not-exist'],
  // A weight-0 backend that does not exist: no traffic reaches it, so only a note.
  ['mesh/grpcroute-weight.yaml', ['route-destination-missing/noTarget note 20 spec.rules[0].backendRefs[2].name'], 'echo-v3 has weight 0'],
];

/** Valid conformance tests that earlier drafts misjudged. */
const CONFORMANCE_CLEAN: readonly (readonly [string, string])[] = [
  ['mesh/mesh-consumer-route.yaml', 'a GAMMA consumer route may send traffic to another namespace without a ReferenceGrant (GEP-1426)'],
  ['httproute-reference-grant.yaml', 'a matching ReferenceGrant permits the cross-namespace backend'],
  ['httproute-cross-namespace.yaml', 'Gateway backend-namespaces allows routes from labelled namespaces'],
  ['tlsroute-invalid-no-matching-listener-hostname.yaml', 'hostname intersection is not a reference error (not covered by these rules)'],
  ['mesh/mesh-split.yaml', 'Service parents with group ""'],
  ['mesh/mesh-ports.yaml', 'Service parents by port'],
];

describe.skipIf(!existsSync(corpus))('mesh reference rules on the real-world corpus (../shared/corpus; skipped when it is not present)', () => {
  describe('Gateway API conformance: deliberately invalid references are caught', () => {
    for (const [file, expected, why] of CONFORMANCE_EXPECTED) {
      it(`${file}: ${why}`, async () => {
        const got = await findings(...BASE, `${CONFORMANCE}/tests/${file}`);
        expect(got).toEqual(expected.map((e) => {
          const [id, level, line, p] = e.split(' ');
          return `${id} ${level} ${CONFORMANCE}/tests/${file}:${line} ${p}`;
        }));
      });
    }
    for (const [file, why] of CONFORMANCE_CLEAN) {
      it(`${file} is clean: ${why}`, async () => {
        expect(await findings(...BASE, `${CONFORMANCE}/tests/${file}`)).toEqual([]);
      });
    }
    it('the base and mesh manifests alone are clean', async () => {
      expect(await findings(...BASE)).toEqual([]);
    });
  });

  describe('working demo applications report nothing', () => {
    const clean: [string, string[]][] = [
      // Gateway and EnvoyFilter select istio=ingressgateway, pods installed with Istio (outside the input);
      // every DestinationRule subset (details v2, ratings v2, v2-mysql, v2-mysql-vm) has its Deployment in the folder.
      ['bookinfo: app, every routing sample and the rate-limit filters', ['istio-samples/samples/bookinfo/platform/kube', 'istio-samples/samples/bookinfo/networking/bookinfo-gateway.yaml', 'istio-samples/samples/bookinfo/networking/destination-rule-all.yaml', 'istio-samples/samples/bookinfo/networking/virtual-service-reviews-v2-v3.yaml', 'istio-samples/samples/bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml', 'istio-samples/samples/bookinfo/networking/egress-rule-google-apis.yaml', 'istio-samples/samples/bookinfo/policy/productpage_envoy_ratelimit.yaml']],
      ['bookinfo with Gateway API routes', ['istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml', 'istio-samples/samples/bookinfo/platform/kube/bookinfo-versions.yaml', 'istio-samples/samples/bookinfo/gateway-api']],
      ['helloworld and httpbin (Istio and Gateway API gateways)', ['istio-samples/samples/helloworld', 'istio-samples/samples/httpbin']],
      // Server "admin" uses port linkerd-admin, declared by the injected proxy, not the pod spec; the
      // ServerAuthorization for account web matches the ServiceAccount web in emojivoto.yml.
      ['emojivoto with its Linkerd policy', ['emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml', 'emojivoto/linkerd-website/run.linkerd.io/public/emojivoto-policy.yml']],
      ['emojivoto training (TrafficSplits, ServiceProfiles)', ['emojivoto/BuoyantIO-emojivoto']],
      // Intentions name consul-telemetry-collector (registered by the Consul Helm chart) and "*".
      ['Consul HashiCups', ['consul-k8s/charts/demo/templates']],
      ['Kuma counter demo', ['kuma/kuma-counter-demo/k8s/000-with-kuma.yaml']],
      // MeshSubset tags k8s.kuma.io/namespace are generated; app=demo-app matches the Deployment labels.
      ['Kuma counter demo with mTLS', ['kuma/kuma-counter-demo/k8s/001-with-mtls.yaml']],
      // MeshTrafficPermission from kuma.io/service edge-gateway_kuma-demo_svc: the gateway's dataplane is made at
      // run time by the MeshGatewayInstance; the MeshHTTPRoute's MeshService demo-app is generated from the Service.
      ['Kuma counter demo with the builtin gateway', ['kuma/kuma-counter-demo/k8s/002-with-gateway.yaml']],
      ['Kuma counter demo, migration', ['kuma/kuma-counter-demo/k8s/003-migration-demo.yaml']],
      ['online boutique', ['online-boutique/kubernetes-manifests']],
    ];
    for (const [name, paths] of clean) {
      it(name, async () => {
        expect(await findings(...paths)).toEqual([]);
      });
    }
  });

  it('bookinfo certificate gateway: a route to the ACME solver Service, created at run time by cert-manager, is only a note', async () => {
    // networking/certmanager-gateway.yaml routes to cert-manager-resolver in istio-system, a Service that
    // cert-manager creates during an HTTP-01 challenge; the input has no Services in istio-system at all.
    expect(await findings('istio-samples/samples/bookinfo/networking/certmanager-gateway.yaml')).toEqual([
      'route-destination-missing/noTarget note istio-samples/samples/bookinfo/networking/certmanager-gateway.yaml:33 spec.http[0].route[0].destination.host',
    ]);
  });

  it('bookinfo with only v1 deployed: DestinationRule subsets of versions not deployed yet are notes, not warnings', async () => {
    const got = await findings('istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml', 'istio-samples/samples/bookinfo/networking/destination-rule-all.yaml');
    expect(got.every((f) => f.startsWith('subset-matches-nothing/unrouted note'))).toBe(true);
    // ratings v2, v2-mysql, v2-mysql-vm and details v2 (reviews v1-v3 are all in bookinfo.yaml)
    expect(got).toHaveLength(4);
  });
});
