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
          line: 6,
          column: 8,
          file: 'b-broken.yaml',
          level: 'error',
          message: 'Flow sequence in block collection must be sufficiently indented and end with a ]: the "[" opened here is not closed (the parser gave up at line 7, column 1)',
        },
        { messageId: 'problem', object: null, path: '', line: 4, column: 1, file: 'd-broken.yaml', message: 'Tabs are not allowed as indentation' },
      ],
    },
    {
      name: 'an unclosed quote or flow mapping is reported where it opens, not where the parser gives up',
      files: {
        'quote.yaml': yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: q
          data:
            k: "unterminated
            z: 1
        `,
        'map.yaml': yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: m
            labels: {app: web
          data:
            k: v
        `,
        // an escaped quote at the end does not close the scalar
        'single.yaml': "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  k: 'it''s\n",
        'escaped.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e\ndata:\n  k: "ends with \\"\n  z: 1\n',
      },
      errors: [
        {
          messageId: 'problem', object: null, path: '', line: 6, column: 6, file: 'escaped.yaml',
          message: 'Missing closing "quote: the quote (") opened here is not closed (the parser gave up at line 8, column 1)',
        },
        {
          messageId: 'problem', object: null, path: '', line: 5, column: 11, file: 'map.yaml',
          message: 'Flow map in block collection must be sufficiently indented and end with a }: the "{" opened here is not closed (the parser gave up at line 6, column 1)',
        },
        {
          messageId: 'problem', object: null, path: '', line: 6, column: 6, file: 'quote.yaml',
          message: 'Missing closing "quote: the quote (") opened here is not closed (the parser gave up at line 8, column 1)',
        },
        {
          messageId: 'problem', object: null, path: '', line: 6, column: 6, file: 'single.yaml',
          message: "Missing closing 'quote: the quote (') opened here is not closed (the parser gave up at line 7, column 1)",
        },
      ],
    },
    {
      name: 'closed quotes with escapes and multi-line flow collections before an unrelated error keep its position',
      yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels: {a: 'it''s', b: \"q\\\"\"}\ndata:\n  list: [1,\n    2]\n  k: a: b\n",
      errors: [{ messageId: 'problem', object: null, path: '', line: 9, column: 6, message: 'Nested mappings are not allowed in compact mappings' }],
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
