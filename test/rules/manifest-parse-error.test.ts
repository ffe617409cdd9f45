import rule from '../../src/rules/manifest-parse-error.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const configMap = (name: string) => yaml`
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: ${name}}
  data: {k: v}
`;

ruleTable(rule, {
  valid: [
    {
      name: 'several well-formed YAML documents and a JSON file',
      files: {
        'a.yaml': configMap('a') + '---\n' + configMap('b') + '---\n',
        'b.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, null, 2),
      },
    },
    {
      name: 'anchors, aliases and merge keys',
      yaml: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: anchors
          labels: &common {app: web, team: shop}
          annotations:
            <<: *common
            extra: "yes"
        data: {copy: v}
      `,
    },
    {
      name: 'an unknown tag is kept as its plain value, as the Kubernetes YAML decoder does',
      yaml: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: tagged}
        data:
          region: !Ref AWS::Region
      `,
    },
    {
      name: 'empty files, comment-only files and empty documents',
      files: {
        'empty.yaml': '',
        'comments.yml': '# nothing here yet\n---\n# still nothing\n',
        'separators.yaml': '---\n---\n' + configMap('after-empty-docs'),
      },
    },
    {
      name: 'a byte order mark and Windows line endings',
      yaml: '\ufeffapiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\n',
    },
    {
      name: 'documents that are not mappings are manifest-invalid, not parse errors',
      yaml: 'just a sentence\n---\n- a\n- b\n',
    },
  ],
  invalid: [
    {
      name: 'a broken file among good ones: the run goes on and finds the next broken file',
      files: {
        'a-good.yaml': configMap('a'),
        'b-broken.yaml': yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: b
          data:
            key: [unclosed
        `,
        'c-good.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
        'd-broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tab\n',
      },
      errors: [
        {
          messageId: 'problem',
          object: null,
          path: '',
          line: 7,
          column: 1,
          file: 'b-broken.yaml',
          level: 'error',
          message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
        },
        { messageId: 'problem', object: null, path: '', line: 4, column: 1, file: 'd-broken.yaml', message: 'Tabs are not allowed as indentation' },
      ],
    },
    {
      name: 'a broken document in the middle: the documents after it are still read and checked',
      yaml:
        configMap('first') +
        yaml`
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: second}
          data:
            a: b: c
          ---
        ` +
        configMap('third') +
        '---\nkey: : :\n',
      errors: [
        { messageId: 'problem', object: null, path: '', line: 10, column: 6, message: 'Nested mappings are not allowed in compact mappings' },
        { messageId: 'problem', object: null, path: '', line: 17, column: 6, message: 'Nested mappings are not allowed in compact mappings' },
      ],
    },
    {
      name: 'duplicate keys are an error, at the second key',
      yaml: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: dup
          name: dup2
      `,
      errors: [{ messageId: 'problem', object: null, path: '', line: 5, column: 3, message: 'Map keys must be unique' }],
    },
    {
      name: 'JSON errors at the exact line and column',
      files: {
        'missing-value.json': '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "x"},\n  "data": {"a": }\n}\n',
        'missing-comma.json': '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap"\n  "metadata": {}\n}\n',
        'trailing-comma.json': '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "t"},}\n',
      },
      errors: [
        { messageId: 'problem', object: null, path: '', line: 4, column: 3, file: 'missing-comma.json', message: "invalid JSON: Expected ',' or '}' after property value" },
        { messageId: 'problem', object: null, path: '', line: 5, column: 17, file: 'missing-value.json', message: "invalid JSON: Unexpected token '}'" },
        { messageId: 'problem', object: null, path: '', line: 1, column: 69, file: 'trailing-comma.json', message: 'invalid JSON: Expected double-quoted property name' },
      ],
    },
  ],
});
