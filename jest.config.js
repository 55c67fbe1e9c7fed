/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/tests/environment.js',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 120000,
};
