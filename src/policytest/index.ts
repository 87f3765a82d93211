/** Policy tests (docs/testing.md): the YAML format, the runner, coverage and reports. */
export { parseTestFile, parseDuration, type TestFile, type TestCase, type Step, type DecisionExpect, type StateExpect } from "./format.js";
export { PolicyTestRunner, runSuite, summarise, type TestHost, type SuiteResult, type FileResult, type TestResult, type StepFailure } from "./runner.js";
export { coverageUniverse, coverageReport, exercised, type CoverageReport, type CoverageItem } from "./coverage.js";
export { StateViewer, type GroupView, type UserView, type ComplaintView, type TopView } from "./state-view.js";
export { renderText, renderJson, renderCoverage, coverageMet } from "./report.js";
export { formatPos, type Pos, type Problem } from "./yaml.js";
