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
      },
      additionalProperties: true,
    },
  },
} as const;
