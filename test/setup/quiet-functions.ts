// Handlers create their Powertools logger and metrics when their module loads, so the settings must
// be in place before any test file imports one. Errors still print: they are what a test run should show.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
