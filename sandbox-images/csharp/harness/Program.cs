namespace SandboxHarness;

/// The C# sandbox's test worker: runs Tests.dll's [Fact]/[Theory] against Solution.dll.
public static class Program
{
    public static Task<int> Main() => TestWorker.RunAsync();
}
