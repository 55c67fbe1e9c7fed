// Jest environment that loads the tree-sitter native bindings once per worker
// process (they break when a second module registry loads them again) and
// hands them to lib/parser.ts through a global.
const { TestEnvironment } = require('jest-environment-node');

const treeSitter = { Parser: require('tree-sitter'), Rust: require('tree-sitter-rust') };

class RustokioEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__rustokioTreeSitter = treeSitter;
  }
}

module.exports = RustokioEnvironment;
