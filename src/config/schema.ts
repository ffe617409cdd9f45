/** JSON Schema of `meshlint.config.yaml`. Rule options are validated separately against each rule's schema. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', minLength: 1, description: 'Namespace of objects that do not set one.' },
    ignore: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Glob patterns of files not to read.' },
    failLevel: { enum: ['error', 'warning', 'note', 'never'] },
    rules: {
      type: 'object',
      additionalProperties: {
        anyOf: [
          { enum: ['off', 'error', 'warning', 'note'] },
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              level: { enum: ['off', 'error', 'warning', 'note'] },
              options: { type: 'object' },
            },
          },
        ],
      },
    },
    cluster: {
      type: 'object',
      description: 'Facts about the cluster that the manifests do not show.',
      properties: {
        namespaces: {
          type: 'object',
          description: 'Labels and annotations of namespaces as they are in the cluster.',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              annotations: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
        // Mesh model facts (src/graph/mesh/facts.ts; documented in docs/configuration.md).
        namespacesComplete: { type: 'boolean', description: 'cluster.namespaces lists every labelled namespace; others are unlabelled.' },
        clusterDomain: { type: 'string', minLength: 1, description: 'Cluster DNS domain (default cluster.local).' },
        kubernetesVersion: { type: ['string', 'number'], description: 'Kubernetes version of the nodes, e.g. "1.30".' },
        meshes: { type: 'array', items: { enum: ['istio', 'linkerd', 'consul', 'kuma'] }, description: 'Installed meshes (default: inferred from the input).' },
        istio: {
          type: 'object',
          additionalProperties: true,
          properties: {
            version: { type: ['string', 'number'] },
            rootNamespace: { type: 'string', minLength: 1 },
            revisions: { type: 'array', items: { type: 'string' } },
            autoInject: { enum: ['enabled', 'disabled'] },
            enableNamespacesByDefault: { type: 'boolean' },
            neverInjectSelector: { type: 'array', items: { type: 'object' } },
            alwaysInjectSelector: { type: 'array', items: { type: 'object' } },
            nativeSidecars: { enum: ['auto', 'true', 'false', true, false] },
            holdApplicationUntilProxyStarts: { type: 'boolean' },
            outboundTrafficPolicy: { enum: ['ALLOW_ANY', 'REGISTRY_ONLY'] },
            meshMtls: { enum: ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'] },
            // retries (src/graph/mesh/retries.ts)
            defaultHttpRetryPolicy: { type: 'object', properties: { attempts: { type: 'integer', minimum: 0 }, retryOn: { type: 'string' } } },
            exclude503FromDefaultRetry: { type: 'boolean' },
          },
        },
        linkerd: {
          type: 'object',
          additionalProperties: true,
          properties: {
            version: { type: ['string', 'number'] },
            defaultInboundPolicy: { enum: ['all-unauthenticated', 'all-authenticated', 'cluster-authenticated', 'cluster-unauthenticated', 'deny', 'audit'] },
            nativeSidecar: { type: 'boolean' },
            proxyPorts: {
              type: 'object',
              additionalProperties: false,
              properties: { inbound: { type: 'integer' }, outbound: { type: 'integer' }, admin: { type: 'integer' }, control: { type: 'integer' } },
            },
            opaquePorts: { type: 'array', items: { type: 'integer' } },
          },
        },
        consul: {
          type: 'object',
          additionalProperties: true,
          properties: {
            version: { type: ['string', 'number'] },
            connectInjectDefault: { type: 'boolean' },
            namespaceSelector: { type: 'object' },
            allowNamespaces: { type: 'array', items: { type: 'string' } },
            denyNamespaces: { type: 'array', items: { type: 'string' } },
            transparentProxyDefault: { type: 'boolean' },
            allowEnablingPermissiveMutualTLS: { type: 'boolean' },
          },
        },
        kuma: {
          type: 'object',
          additionalProperties: true,
          properties: {
            version: { type: ['string', 'number'] },
            defaultMesh: { type: 'string', minLength: 1 },
            controlPlaneNamespace: { type: 'string', minLength: 1 },
            nativeSidecar: { type: 'boolean' },
            defaultPolicies: { type: 'boolean', description: 'The default MeshRetry/MeshTimeout/MeshCircuitBreaker policies exist (Kuma ≥ 2.6 creates them).' },
            meshes: {
              type: 'object',
              additionalProperties: { type: 'object', properties: { mtls: { enum: ['off', 'STRICT', 'PERMISSIVE'] } } },
            },
          },
        },
        gatewayApi: {
          type: 'object',
          additionalProperties: true,
          properties: { channel: { enum: ['standard', 'experimental'], description: 'Release channel of the installed Gateway API CRDs.' } },
        },
      },
      additionalProperties: true,
    },
  },
} as const;
