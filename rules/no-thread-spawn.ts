import { createRule } from '../lib/rule';

export default createRule({
  id: 'no-thread-spawn',
  meta: {
    description: 'TODO',
    fixable: false,
    recommended: 'error',
    messages: {},
    schema: { type: 'object', properties: {}, additionalProperties: false },
  },
  defaultOptions: {},
  create() {
    return {};
  },
});
