// @bot-mox/backend/test-support: what the tests (unit, integration, stack) and the benchmarks
// share. Not part of the build (tsconfig.build.json), so never in the image.
export { mintJwt } from './jwt.ts';
export { summarizeOperations, type SummarizableOperation } from '../domains/finance/summarize.ts';
