// Unit tests of the front end's API module and models (ts-jest, Node environment).
// The two JupyterLab transport modules api.ts imports are replaced by small fakes
// (src/__tests__/mocks): a test answers the server's routes itself.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testRegex: 'src/__tests__/.*\\.spec\\.tsx?$',
  moduleNameMapper: {
    '^@jupyterlab/services$': '<rootDir>/src/__tests__/mocks/services.ts',
    '^@jupyterlab/coreutils$': '<rootDir>/src/__tests__/mocks/coreutils.ts'
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  }
};
