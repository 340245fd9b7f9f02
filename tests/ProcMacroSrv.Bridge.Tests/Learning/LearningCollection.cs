namespace ProcMacroSrv.Bridge.Tests.Learning;

/// <summary>
/// Tests that resolve tables by version or set PROC_MACRO_SRV_RUST_SOURCES run one at a time:
/// the variable is process-wide and the catalog caches what it learned per version.
/// </summary>
[CollectionDefinition(nameof(LearningCollection), DisableParallelization = true)]
public sealed class LearningCollection;
