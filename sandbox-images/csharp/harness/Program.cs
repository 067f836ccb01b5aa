namespace SandboxHarness;

/// The C# sandbox's workers. Default: the test worker (runs Tests.dll's [Fact]/[Theory] against Solution.dll).
/// `--checks`: the hidden-checks worker (docs/hidden-checks-protocol.md), which loads Solution.dll only.
public static class Program
{
    public static Task<int> Main(string[] args) =>
        args.Contains("--checks") ? CheckWorker.RunAsync() : TestWorker.RunAsync();
}
