namespace LearningPlatform.Tests.Shared;

/// <summary>
/// How much the hosts the tests start log: Warning, so a green run prints test results, not log lines. More for a
/// whole run with <c>LP_TEST_LOG_LEVEL=Information ./test.sh --filter ...</c>, or for one test's host with
/// <c>["Logging:LogLevel:Default"] = "Information"</c> among the settings it passes to its fixture. Linked into the
/// test projects that start hosts.
/// </summary>
internal static class TestLogging
{
    public const string Variable = "LP_TEST_LOG_LEVEL";

    public const string Key = "Logging:LogLevel:Default";

    public static string Level => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } level ? level : "Warning";

    /// <summary>The setting for a host's configuration.</summary>
    public static KeyValuePair<string, string> Setting => new(Key, Level);
}
