import rule from '../../src/rules/serviceprofile-service-missing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Five lines: Service web-svc in namespace emojivoto.
const web = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: web-svc, namespace: emojivoto}
  spec: {selector: {app: web-svc}, ports: [{name: http, port: 80}]}
  ---
`;

const profile = (name: string, ns = 'emojivoto') => yaml`
  apiVersion: linkerd.io/v1alpha2
  kind: ServiceProfile
  metadata:
    name: ${name}
    namespace: ${ns}
  spec: {routes: [{name: GET /, condition: {method: GET, pathRegex: /}}]}
`;

ruleTable(rule, {
  valid: [
    { name: 'profile named after the Service FQDN, in the Service namespace', yaml: web + profile('web-svc.emojivoto.svc.cluster.local') },
    { name: 'profile in a client namespace', yaml: web + profile('web-svc.emojivoto.svc.cluster.local', 'vote-bot') },
    { name: 'profile for a host outside the cluster', yaml: web + profile('api.example.com') },
    { name: 'custom cluster domain', cluster: { clusterDomain: 'corp.internal' }, yaml: web + profile('web-svc.emojivoto.svc.corp.internal') },
  ],
  invalid: [
    {
      name: 'profile for a Service that does not exist, nearest name suggested',
      yaml: web + profile('web.emojivoto.svc.cluster.local'),
      errors: [{ messageId: 'noService', object: 'emojivoto/ServiceProfile/web.emojivoto.svc.cluster.local', path: 'metadata.name', line: 9, level: 'warning', message: ['Service web in namespace emojivoto', 'did you mean web-svc?'] }],
    },
    {
      name: 'profile named with the short or partial name',
      yaml: web + profile('web-svc.emojivoto'),
      errors: [{ messageId: 'shortName', object: 'emojivoto/ServiceProfile/web-svc.emojivoto', path: 'metadata.name', line: 9, message: 'write web-svc.emojivoto.svc.cluster.local' }],
    },
    {
      name: 'profile written for another cluster domain',
      cluster: { clusterDomain: 'corp.internal' },
      yaml: web + profile('web-svc.emojivoto.svc.cluster.local'),
      errors: [{ messageId: 'wrongDomain', object: 'emojivoto/ServiceProfile/web-svc.emojivoto.svc.cluster.local', path: 'metadata.name', line: 9, level: 'warning', message: 'the cluster domain is corp.internal' }],
    },
  ],
});
